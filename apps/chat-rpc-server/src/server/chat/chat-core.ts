import { randomBytes } from 'node:crypto';
import { ChatErrorCode, ProtocolError } from '@sockworks/error-codes';
import type { Logger } from '@sockworks/logging';
import type { JsonObject } from '../../protocol/messages.js';
import type { ChatPeer, ChatServiceHost } from '../types.js';
import type { ChatOptions } from './chat-options.js';
import {
  type ChatEngine,
  type ProtocolLevel,
  type RoomRef,
  roomChannel,
  type SessionRecord,
  userChannel,
} from './engine/types.js';
import type { MaybePromise } from './flow.js';
import { JoinDeadlines } from './join-deadlines.js';
import type { LocalHub, LocalMember } from './local-hub.js';
import { type Clock, TokenBucket } from './token-bucket.js';
import { GENERAL_ROOM, roomKey, validateRoomName } from './validation.js';

/** The room everyone is in. */
export const GENERAL: RoomRef = { key: roomKey(GENERAL_ROOM), name: GENERAL_ROOM };

/** A joined user (on this instance). */
export interface ChatSession {
  readonly peer: ChatPeer;
  readonly username: string;
  /** The first of `keys`: the case-folded name. */
  readonly key: string;
  /** Every key of the name (`nameKeys`): no other joined name shares one. */
  readonly keys: readonly string[];
  readonly protocol: ProtocolLevel;
  /** The user's rooms, `general` first. */
  readonly rooms: readonly RoomRef[];
}

/** A session attached to a connection of this instance. */
export class LocalSession implements ChatSession {
  readonly #rooms: Map<string, RoomRef>;

  constructor(
    readonly peer: ChatPeer,
    readonly record: SessionRecord,
    readonly member: LocalMember,
  ) {
    this.#rooms = new Map(record.rooms.map((room) => [room.key, room]));
  }

  get username(): string {
    return this.record.username;
  }
  get key(): string {
    return this.member.userKey;
  }
  get keys(): readonly string[] {
    return this.record.keys;
  }
  get protocol(): ProtocolLevel {
    return this.record.protocol;
  }
  get rooms(): readonly RoomRef[] {
    return this.record.rooms;
  }

  /** The room with this key, when the user is in it. */
  room(key: string): RoomRef | undefined {
    return this.#rooms.get(key);
  }

  addRoom(room: RoomRef): void {
    this.#rooms.set(room.key, room);
    this.record.rooms = [...this.#rooms.values()];
  }

  removeRoom(key: string): void {
    this.#rooms.delete(key);
    this.record.rooms = [...this.#rooms.values()];
  }

  /** The channels the session listens on: its rooms' and its own. */
  channels(): string[] {
    return [userChannel(this.key), ...this.rooms.map((room) => roomChannel(room.key))];
  }
}

/** Per-connection state, joined or not. */
export interface PeerState {
  /** Created on the first rate-limited action (a new bucket is full, as an unused one would be). */
  bucket: TokenBucket | undefined;
  session: LocalSession | undefined;
  /** When the user last sent `typing`, per room key (the rate limiter's clock). */
  typingAt: Map<string, number> | undefined;
}

/** One second between two `typing` of a user in one room. */
export const TYPING_INTERVAL_MS = 1000;

const performanceNow: Clock = () => performance.now();

/**
 * What the chat methods share: the engine, the local hub, this instance's connections and sessions,
 * and the checks every method makes (joined, protocol 2, membership, rate limits). No sockets.
 */
export class ChatCore {
  readonly peers = new Map<ChatPeer, PeerState>();
  /** Joined sessions of this instance in join order. */
  readonly joined = new Map<ChatPeer, LocalSession>();
  readonly deadlines: JoinDeadlines;
  readonly now: Clock;

  constructor(
    readonly host: ChatServiceHost,
    readonly engine: ChatEngine,
    readonly hub: LocalHub,
    readonly options: ChatOptions,
    readonly log: Logger,
  ) {
    this.deadlines = new JoinDeadlines(options.joinTimeoutMs, log);
    this.now = options.now ?? performanceNow;
  }

  state(peer: ChatPeer): PeerState {
    let state = this.peers.get(peer);
    if (!state) {
      // Only reachable if a server calls a handler before onConnect; keep working regardless.
      state = newPeerState();
      this.peers.set(peer, state);
    }
    return state;
  }

  /** The caller's session; NOT_JOINED with `message` when it has none. */
  session(peer: ChatPeer, message = 'You must join the chat first'): LocalSession {
    const session = this.state(peer).session;
    if (!session) throw new ProtocolError(ChatErrorCode.NOT_JOINED, message);
    return session;
  }

  /** The caller's protocol-2 session (NOT_JOINED, PROTOCOL_2_REQUIRED). */
  session2(peer: ChatPeer, method: string): LocalSession {
    const session = this.session(peer);
    if (session.protocol !== 2)
      throw new ProtocolError(
        ChatErrorCode.PROTOCOL_2_REQUIRED,
        `${method} needs protocol 2: join with {"username": ..., "protocol": 2}`,
      );
    return session;
  }

  /** The caller's protocol level (1 until it joins with protocol 2). */
  protocolOf(peer: ChatPeer): ProtocolLevel {
    return this.peers.get(peer)?.session?.protocol ?? 1;
  }

  /** The session's room named `raw` (validated); NOT_MEMBER when it is not in it. */
  memberRoom(session: LocalSession, raw: string): RoomRef {
    const name = validateRoomName(raw);
    const room = session.room(roomKey(name));
    if (!room) throw new ProtocolError(ChatErrorCode.NOT_MEMBER, `You are not a member of ${name}`);
    return room;
  }

  /** Takes a token from the caller's bucket; RATE_LIMITED when it is empty. */
  charge(state: PeerState): void {
    const { rateBurst: burst, ratePerSecond } = this.options;
    state.bucket ??= new TokenBucket({ burst, ratePerSecond, now: this.now });
    if (state.bucket.tryTake()) return;
    throw rateLimited(state.bucket.msUntilNextToken());
  }

  /** Attaches a session to its connection: local state, and the hub's channels (held until released). */
  attach(state: PeerState, session: LocalSession): MaybePromise<void> {
    state.session = session;
    this.joined.set(session.peer, session);
    this.deadlines.clear(session.peer);
    return this.hub.add(session.member, session.channels());
  }

  /** Detaches a session from its connection (the connection stays, unjoined). */
  detach(state: PeerState, session: LocalSession): MaybePromise<void> {
    state.session = undefined;
    if (this.joined.get(session.peer) === session) this.joined.delete(session.peer);
    return this.hub.remove(session.member, session.channels());
  }

  /** Sends `messages` to one peer in order, as fast as it reads (no output cap: they are bounded). */
  sendInOrder(peer: ChatPeer, messages: readonly JsonObject[]): MaybePromise<void> {
    if (messages.length === 0) return;
    if (this.host.sendInOrder) return this.host.sendInOrder(peer, messages);
    for (const message of messages) this.host.broadcast(message, [peer]);
  }
}

export function newPeerState(): PeerState {
  return { bucket: undefined, session: undefined, typingAt: undefined };
}

/** A random session token (128 bits, base64url). */
export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

export function rateLimited(waitMs: number): ProtocolError {
  return new ProtocolError(ChatErrorCode.RATE_LIMITED, `Rate limit exceeded, retry in ${waitMs} ms`, {
    data: { retryAfterMs: waitMs },
  });
}
