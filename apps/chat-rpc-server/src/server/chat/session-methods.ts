import { randomUUID } from 'node:crypto';
import { ChatErrorCode, ProtocolError } from '@sockworks/error-codes';
import { truncateForLog } from '@sockworks/logging';
import { type JsonObject, SystemText, systemMessage } from '../../protocol/messages.js';
import { invalidParams, paramsObject, stringParam } from '../errors.js';
import { type ChatCallContext, type ChatPeer, defineChatMethod } from '../types.js';
import { type ChatCore, GENERAL, LocalSession, newToken, type PeerState } from './chat-core.js';
import {
  type OnlineUser,
  type ProtocolLevel,
  roomChannel,
  type SessionRecord,
  userChannel,
} from './engine/types.js';
import { andThen, type Flow, flow, runDetached, wait } from './flow.js';
import type { LocalMember } from './local-hub.js';
import { compareMessageIds, messageIdParam } from './message-id.js';
import { nameKeys, truncateCodePoints, validateUsername } from './validation.js';

/** The params of `join_chat`. */
interface JoinParams {
  username: string;
  protocol: ProtocolLevel;
  /** A session token to resume. */
  session: string | undefined;
  lastId: string | undefined;
}

/** Reads `join_chat`'s params; `defaultProtocol` is the level of a join that names none. */
function parseJoinParams(p: unknown, defaultProtocol: ProtocolLevel): JoinParams {
  const username = stringParam(p, 'username');
  const o = paramsObject(p);
  const session = o.session;
  if (session !== undefined && typeof session !== 'string') throw invalidParams('session must be a string');
  const protocol = o.protocol ?? (session === undefined ? defaultProtocol : 2);
  if (protocol !== 1 && protocol !== 2) throw invalidParams('protocol must be 1 or 2');
  if (session !== undefined && protocol !== 2) throw invalidParams('a session is resumed with protocol 2');
  const lastId = o.last_id === undefined ? undefined : messageIdParam(o.last_id, 'last_id');
  return { username, protocol, session, lastId };
}

/**
 * `join_chat` (a new join, or the resume of a held session), `leave_chat`, and what a dropped
 * connection does to its session (a protocol-2 one is held for `sessionTtlMs`).
 */
export class SessionMethods {
  readonly #core: ChatCore;

  constructor(core: ChatCore) {
    this.#core = core;
  }

  register(): void {
    const { host } = this.#core;
    host.register(
      'join_chat',
      defineChatMethod({
        description:
          'Join the chat with a username; {"protocol": 2} for rooms, history and a session to resume with {"session", "last_id"}.',
        parseParams: (p) => parseJoinParams(p, this.#core.options.defaultProtocol),
        handler: (params, ctx) => flow(this.#join(params, ctx)),
      }),
    );
    host.register(
      'leave_chat',
      defineChatMethod({
        description: 'Leave the chat; the connection stays open and may join again.',
        parseParams: (p) => paramsObject(p),
        handler: (_params, ctx) => flow(this.#leave(ctx)),
      }),
    );
  }

  /** A connection is gone: its session goes offline (held for a resume when it may be). */
  disconnected(peer: ChatPeer, state: PeerState): void {
    const session = state.session;
    if (!session) return;
    const core = this.#core;
    core.log.info({ conn: peer.id, username: truncateForLog(session.username) }, 'disconnected while joined');
    const hold = session.protocol === 2 && core.options.sessionTtlMs > 0;
    runDetached(
      () => flow(this.#drop(state, session, hold)),
      (err) => core.log.error({ err, conn: peer.id }, 'ending a session failed'),
    );
  }

  /** Another connection resumed `member`'s session: this one lets go silently and is closed. */
  takenOver(member: LocalMember): void {
    const core = this.#core;
    const state = core.peers.get(member.peer);
    const session = state?.session;
    if (!state || session?.member !== member) return;
    core.log.info({ conn: member.peer.id }, 'session resumed on another connection; closing this one');
    runDetached(
      () => core.detach(state, session),
      (err) => core.log.error({ err }, 'detaching a taken-over session failed'),
    );
    member.peer.close(systemMessage(SystemText.takenOver, ChatErrorCode.SESSION_TAKEN_OVER));
  }

  *#drop(state: PeerState, session: LocalSession, hold: boolean): Flow<void> {
    const core = this.#core;
    yield* wait(core.detach(state, session));
    yield* this.#offline(session, hold);
    yield* wait(core.engine.publish(roomChannel(GENERAL.key), leftNotice(session)));
  }

  *#join(params: JoinParams, { peer, afterReply }: ChatCallContext): Flow<JsonObject> {
    const core = this.#core;
    const state = core.state(peer);
    if (state.session)
      throw new ProtocolError(ChatErrorCode.ALREADY_JOINED, `Already joined as ${state.session.username}`);
    core.charge(state);
    const requested = validateUsername(params.username, core.options);
    if (params.session !== undefined && core.options.sessionTtlMs > 0) {
      const reply = yield* this.#resume(peer, state, requested, params, afterReply);
      if (reply !== undefined) return reply;
    }
    const token = newToken();
    const { username, keys } = yield* this.#claimName(peer, requested, token);
    const record: SessionRecord = {
      token,
      username,
      keys,
      protocol: params.protocol,
      rooms: [GENERAL],
      status: 'online',
      text: '',
    };
    const member = newMember(peer, record);
    const session = new LocalSession(peer, record, member);
    yield* wait(core.engine.createSession(record));
    yield* this.#online(session);
    yield* wait(core.engine.joinRoom(GENERAL, session.key));
    yield* this.#attach(peer, state, session);
    core.log.info({ conn: peer.id, username: truncateForLog(username) }, 'joined');
    afterReply(() => {
      core.host.broadcast(systemMessage(SystemText.welcome(username)), [peer]);
      core.hub.release(member);
      runDetached(
        () => core.engine.publish(roomChannel(GENERAL.key), joinedNotice(session)),
        (err) => core.log.error({ err }, 'announcing a join failed'),
      );
    });
    const users = yield* this.#userNames();
    const reply: JsonObject = { status: 'success', message: `Joined chat as ${username}`, users };
    if (session.protocol === 2)
      Object.assign(reply, { session: token, rooms: [GENERAL.name], resumed: false });
    return reply;
  }

  /**
   * Resumes the session `params.session` if it was issued for this name: rejoins its rooms, and
   * after the reply sends every message of them after `last_id`, then what arrived meanwhile (held
   * back by the hub, duplicates dropped). Undefined when the session is not valid: a new join.
   */
  *#resume(
    peer: ChatPeer,
    state: PeerState,
    requested: string,
    params: JoinParams,
    afterReply: (fn: () => void) => void,
  ): Flow<JsonObject | undefined> {
    const core = this.#core;
    const userKey = nameKeys(requested)[0] as string;
    const claimed = yield* wait(core.engine.claimSession(params.session as string, userKey));
    if (claimed === undefined) return undefined;
    const { record, live } = claimed;
    const member = newMember(peer, record);
    if (live) {
      // Its old connection is still open as far as the server knows (a dead link): it lets go.
      yield* wait(
        core.engine.publish(userChannel(userKey), {
          kind: 'takeover',
          token: record.token,
          by: member.attachId,
        }),
      );
    }
    const session = new LocalSession(peer, record, member);
    if (!live) {
      for (const room of [...session.rooms]) {
        const joined = yield* wait(core.engine.joinRoom(room, userKey));
        if (joined === 'server-full') session.removeRoom(room.key);
      }
      yield* wait(core.engine.saveSession(record));
    }
    yield* this.#online(session);
    // Subscribed (and holding) before reading the history: a message stored from now on is in the
    // hold, one stored before is in the history, one in between in both (the hold skips it).
    yield* this.#attach(peer, state, session);
    const cutoff = params.lastId ?? claimed.dropId ?? (yield* wait(core.engine.latestId()));
    const replay: JsonObject[] = [];
    const replayedUpTo = new Map<string, string>();
    let recovered = true;
    for (const room of session.rooms) {
      const since = yield* wait(core.engine.historySince(room.key, cutoff));
      recovered &&= since.complete;
      for (const message of since.messages) replay.push(message);
      replayedUpTo.set(room.key, since.messages.at(-1)?.id ?? cutoff);
    }
    replay.sort((a, b) => compareMessageIds(a.id as string, b.id as string));
    core.log.info(
      { conn: peer.id, username: truncateForLog(record.username), replay: replay.length, takeover: live },
      'session resumed',
    );
    afterReply(() => {
      if (!live)
        runDetached(
          () => core.engine.publish(roomChannel(GENERAL.key), joinedNotice(session)),
          (err) => core.log.error({ err }, 'announcing a resume failed'),
        );
      runDetached(
        () =>
          andThen(core.sendInOrder(peer, replay), () =>
            core.hub.release(member, (roomKey) => replayedUpTo.get(roomKey) ?? cutoff),
          ),
        (err) => core.log.error({ err, conn: peer.id }, 'replaying history failed'),
      );
    });
    const users = yield* this.#userNames();
    return {
      status: 'success',
      message: `Joined chat as ${record.username}`,
      users,
      session: record.token,
      rooms: session.rooms.map((room) => room.name),
      resumed: true,
      recovered,
    };
  }

  *#leave({ peer, afterReply }: ChatCallContext): Flow<JsonObject> {
    const core = this.#core;
    const state = core.state(peer);
    const session = core.session(peer, 'You are not in the chat');
    yield* wait(core.detach(state, session));
    core.deadlines.arm(peer);
    yield* this.#offline(session, false);
    afterReply(() =>
      runDetached(
        () => core.engine.publish(roomChannel(GENERAL.key), leftNotice(session)),
        (err) => core.log.error({ err }, 'announcing a leave failed'),
      ),
    );
    return { status: 'success', message: 'Left chat successfully' };
  }

  /**
   * Picks the final name for `requested` under the duplicate policy and claims it for `token`. Names
   * are the same when they share a key (`nameKeys`); a suffixed name is cut to `maxUsernameLength`
   * code points by shortening the requested part at a grapheme boundary.
   */
  *#claimName(
    peer: ChatPeer,
    requested: string,
    token: string,
  ): Flow<{ username: string; keys: readonly string[] }> {
    const { engine, options } = this.#core;
    let username = requested;
    let keys = nameKeys(username);
    if (yield* wait(engine.claimName(keys, token))) return { username, keys };
    if (options.duplicateNames === 'reject')
      throw new ProtocolError(ChatErrorCode.USERNAME_TAKEN, 'Username already taken');
    const suffix = String(peer.remotePort ?? peer.id);
    const withTail = (tail: string): string =>
      truncateCodePoints(requested, Math.max(0, options.maxUsernameLength - tail.length)) + tail;
    username = withTail(`_${suffix}`);
    keys = nameKeys(username);
    // Someone may already be called "Alice_12345"; count on until the name is free.
    for (let n = 2; !(yield* wait(engine.claimName(keys, token))); n++) {
      username = withTail(`_${suffix}_${n}`);
      keys = nameKeys(username);
    }
    return { username, keys };
  }

  /** Lists the session's user as online. */
  *#online(session: LocalSession): Flow<void> {
    const { engine } = this.#core;
    const user: OnlineUser = {
      key: session.key,
      username: session.username,
      address: session.peer.address,
      protocol: session.protocol,
      status: session.record.status,
      text: session.record.text,
    };
    yield* wait(engine.addUser(user));
  }

  /** Attaches the session, unless its connection closed while the engine was answering. */
  *#attach(peer: ChatPeer, state: PeerState, session: LocalSession): Flow<void> {
    const core = this.#core;
    if (core.peers.get(peer) !== state) {
      yield* this.#offline(session, false);
      throw new ProtocolError(ChatErrorCode.NOT_JOINED, 'The connection closed while joining');
    }
    yield* wait(core.attach(state, session));
  }

  /** Takes the user off the online list and its rooms; holds the session for a resume, or ends it. */
  *#offline(session: LocalSession, hold: boolean): Flow<void> {
    const { engine, options } = this.#core;
    yield* wait(engine.removeUser(session.key));
    for (const room of session.rooms) yield* wait(engine.leaveRoom(room.key, session.key));
    if (hold) {
      const dropId = yield* wait(engine.latestId());
      yield* wait(engine.holdSession(session.record.token, options.sessionTtlMs, dropId));
    } else {
      yield* wait(engine.endSession(session.record.token));
    }
  }

  *#userNames(): Flow<string[]> {
    const users = yield* wait(this.#core.engine.listUsers());
    return users.map((user) => user.username);
  }
}

function newMember(peer: ChatPeer, record: SessionRecord): LocalMember {
  return {
    peer,
    userKey: record.keys[0] as string,
    token: record.token,
    protocol: record.protocol,
    attachId: randomUUID(),
    held: [],
  };
}

function joinedNotice(session: LocalSession) {
  return { kind: 'notice', text: SystemText.joined(session.username), from: session.key } as const;
}

function leftNotice(session: LocalSession) {
  return { kind: 'notice', text: SystemText.left(session.username), from: session.key } as const;
}
