import { ChatErrorCode, ProtocolError } from '@sockworks/error-codes';
import { SystemText } from '../../protocol/messages.js';
import { invalidParams, paramsObject, stringParam } from '../errors.js';
import { type ChatCallContext, defineChatMethod } from '../types.js';
import { type ChatCore, GENERAL } from './chat-core.js';
import { roomChannel } from './engine/types.js';
import { type Flow, flow, runDetached, wait } from './flow.js';
import { messageIdParam } from './message-id.js';
import { countWithin, offsetParam, pageWithin } from './reply-budget.js';
import { roomKey, validateRoomName } from './validation.js';

/** Most messages one get_history returns. */
export const MAX_HISTORY_LIMIT = 200;
/** Messages get_history returns without a `limit`. */
export const DEFAULT_HISTORY_LIMIT = 50;

interface HistoryParams {
  room: string;
  limit: number;
  before: string | undefined;
}

function parseHistoryParams(p: unknown): HistoryParams {
  const room = stringParam(p, 'room');
  const o = paramsObject(p);
  const limit = o.limit ?? DEFAULT_HISTORY_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT)
    throw invalidParams(`limit must be an integer from 1 to ${MAX_HISTORY_LIMIT}`);
  const before = o.before === undefined ? undefined : messageIdParam(o.before, 'before');
  return { room, limit, before };
}

/** `join_room`, `leave_room`, `list_rooms`, `get_history`. */
export function registerRoomMethods(core: ChatCore): void {
  const { host } = core;
  host.register(
    'join_room',
    defineChatMethod({
      description: 'Join a room (protocol 2); the reply lists its members.',
      parseParams: (p) => stringParam(p, 'room'),
      handler: (room, ctx) => flow(joinRoom(core, room, ctx)),
    }),
  );
  host.register(
    'leave_room',
    defineChatMethod({
      description: 'Leave a room (protocol 2); general cannot be left.',
      parseParams: (p) => stringParam(p, 'room'),
      handler: (room, ctx) => flow(leaveRoom(core, room, ctx)),
    }),
  );
  host.register(
    'list_rooms',
    defineChatMethod({
      description: 'List the rooms with their member counts (paged with offset).',
      parseParams: (p) => offsetParam(p) ?? 0,
      handler: (offset, { peer }) =>
        flow(
          (function* () {
            const rooms = yield* wait(core.engine.listRooms());
            const session = core.peers.get(peer)?.session;
            const list = [...rooms]
              .sort((a, b) => rank(a.key) - rank(b.key) || compareText(a.key, b.key))
              .map((room) => ({
                room: room.name,
                users: room.users,
                joined: session?.room(room.key) !== undefined,
              }));
            const { page, hasMore } = pageWithin(list, offset, core.options.historyReplyMaxBytes);
            return { status: 'success', rooms: page, count: page.length, has_more: hasMore };
          })(),
        ),
    }),
  );
  host.register(
    'get_history',
    defineChatMethod({
      description: "A room's latest messages, or those before an id, oldest first (members only).",
      parseParams: parseHistoryParams,
      handler: (params, { peer }) =>
        flow(
          (function* () {
            const room = core.memberRoom(core.session(peer), params.room);
            const page = yield* wait(
              core.engine.history(room.key, { limit: params.limit, before: params.before }),
            );
            const fit = countWithin(page.messages, core.options.historyReplyMaxBytes, true);
            const messages = page.messages.slice(page.messages.length - fit);
            return {
              status: 'success',
              room: room.name,
              messages,
              count: messages.length,
              has_more: page.hasMore || fit < page.messages.length,
            };
          })(),
        ),
    }),
  );
}

function* joinRoom(
  core: ChatCore,
  raw: string,
  { peer, afterReply }: ChatCallContext,
): Flow<Record<string, unknown>> {
  const session = core.session2(peer, 'join_room');
  const name = validateRoomName(raw);
  const key = roomKey(name);
  core.charge(core.state(peer));
  let room = session.room(key);
  if (room === undefined) {
    if (session.rooms.length >= core.options.maxRoomsPerUser)
      throw new ProtocolError(
        ChatErrorCode.TOO_MANY_ROOMS,
        `You are in ${session.rooms.length} rooms, the most allowed`,
      );
    const joined = yield* wait(core.engine.joinRoom({ key, name }, session.key));
    if (joined === 'server-full')
      throw new ProtocolError(ChatErrorCode.TOO_MANY_ROOMS, 'The server has no room for another room');
    room = joined;
    session.addRoom(room);
    yield* wait(core.engine.saveSession(session.record));
    yield* wait(core.hub.add(session.member, [roomChannel(key)]));
    const notice = {
      kind: 'notice',
      room: room.name,
      text: SystemText.joinedRoom(session.username, room.name),
      from: session.key,
    } as const;
    afterReply(() =>
      runDetached(
        () => core.engine.publish(roomChannel(key), notice),
        (err) => core.log.error({ err }, 'announcing a room join failed'),
      ),
    );
  }
  const users = yield* wait(core.engine.roomUsers(key));
  return {
    status: 'success',
    message: `Joined ${room.name}`,
    room: room.name,
    users: users.map((user) => user.username),
  };
}

function* leaveRoom(
  core: ChatCore,
  raw: string,
  { peer, afterReply }: ChatCallContext,
): Flow<Record<string, unknown>> {
  const session = core.session2(peer, 'leave_room');
  const name = validateRoomName(raw);
  if (roomKey(name) === GENERAL.key)
    throw new ProtocolError(
      ChatErrorCode.INVALID_ROOM,
      `Everyone stays in ${GENERAL.name}; leave_chat leaves the chat`,
    );
  const room = core.memberRoom(session, name);
  core.charge(core.state(peer));
  session.removeRoom(room.key);
  core.state(peer).typingAt?.delete(room.key);
  yield* wait(core.hub.remove(session.member, [roomChannel(room.key)]));
  yield* wait(core.engine.leaveRoom(room.key, session.key));
  yield* wait(core.engine.saveSession(session.record));
  const notice = {
    kind: 'notice',
    room: room.name,
    text: SystemText.leftRoom(session.username, room.name),
    from: session.key,
  } as const;
  afterReply(() =>
    runDetached(
      () => core.engine.publish(roomChannel(room.key), notice),
      (err) => core.log.error({ err }, 'announcing a room leave failed'),
    ),
  );
  return { status: 'success', message: `Left ${room.name}`, room: room.name };
}

/** `general` sorts first. */
function rank(key: string): number {
  return key === GENERAL.key ? 0 : 1;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
