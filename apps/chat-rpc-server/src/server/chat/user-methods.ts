import { invalidParams, paramsObject } from '../errors.js';
import { defineChatMethod } from '../types.js';
import { type ChatCore, GENERAL } from './chat-core.js';
import { type OnlineUser, PRESENCE_STATUSES, type PresenceStatus, roomChannel } from './engine/types.js';
import { flow, wait } from './flow.js';
import { offsetParam, pageWithin } from './reply-budget.js';
import { roomKey, validateRoomName, validateStatusText } from './validation.js';

interface UsersParams {
  format: 'simple' | 'detailed';
  room: string | undefined;
  offset: number | undefined;
}

function parseUsersParams(p: unknown): UsersParams {
  const o = paramsObject(p);
  const format = o.format ?? 'simple';
  if (format !== 'simple' && format !== 'detailed')
    throw invalidParams('format must be "simple" or "detailed"');
  if (o.room !== undefined && typeof o.room !== 'string') throw invalidParams('room must be a string');
  return { format, room: o.room, offset: offsetParam(p) };
}

function parseStatusParams(p: unknown): { status: PresenceStatus; text: string } {
  const o = paramsObject(p);
  const status = PRESENCE_STATUSES.find((s) => s === o.status);
  if (status === undefined) throw invalidParams(`status must be one of ${PRESENCE_STATUSES.join(', ')}`);
  if (o.text !== undefined && typeof o.text !== 'string') throw invalidParams('text must be a string');
  return { status, text: o.text ?? '' };
}

/** `get_users` and `set_status`. */
export function registerUserMethods(core: ChatCore): void {
  const { host } = core;
  host.register(
    'get_users',
    defineChatMethod({
      description:
        'List joined users: names (default) or {"format":"detailed"} for names and addresses (and statuses); {"room"} for one room.',
      parseParams: parseUsersParams,
      handler: ({ format, room, offset }, { peer }) =>
        flow(
          (function* () {
            const users: readonly OnlineUser[] =
              room === undefined
                ? yield* wait(core.engine.listUsers())
                : yield* wait(core.engine.roomUsers(roomKey(validateRoomName(room))));
            // The spec's replies stay exactly the spec's for a spec client; protocol 2's (a
            // protocol-2 caller, or new params) carry statuses and are paged.
            if (room === undefined && offset === undefined && core.protocolOf(peer) === 1) {
              if (format === 'simple')
                return { status: 'success', users: users.map((u) => u.username), count: users.length };
              const list = users.map((u) => ({ username: u.username, address: u.address }));
              return {
                status: 'success',
                message: 'Users retrieved successfully',
                users: list,
                count: list.length,
              };
            }
            const entries =
              format === 'simple'
                ? users.map((u) => u.username)
                : users.map((u) => ({
                    username: u.username,
                    address: u.address,
                    status: u.status,
                    text: u.text,
                  }));
            const { page, hasMore } = pageWithin<unknown>(
              entries,
              offset ?? 0,
              core.options.historyReplyMaxBytes,
            );
            return format === 'simple'
              ? { status: 'success', users: page, count: page.length, has_more: hasMore }
              : {
                  status: 'success',
                  message: 'Users retrieved successfully',
                  users: page,
                  count: page.length,
                  has_more: hasMore,
                };
          })(),
        ),
    }),
  );
  host.register(
    'set_status',
    defineChatMethod({
      description: 'Set your presence (online, away, busy) and an optional text (protocol 2).',
      parseParams: parseStatusParams,
      handler: (params, { peer }) =>
        flow(
          (function* () {
            const session = core.session2(peer, 'set_status');
            const text = validateStatusText(params.text);
            core.charge(core.state(peer));
            session.record.status = params.status;
            session.record.text = text;
            yield* wait(core.engine.setStatus(session.key, params.status, text));
            yield* wait(core.engine.saveSession(session.record));
            // Everyone shares general, so "everyone sharing a room" is everyone in it.
            yield* wait(
              core.engine.publish(roomChannel(GENERAL.key), {
                kind: 'presence',
                username: session.username,
                status: params.status,
                text,
                from: session.key,
              }),
            );
            return { status: 'success', message: `Status set to ${params.status}` };
          })(),
        ),
    }),
  );
}
