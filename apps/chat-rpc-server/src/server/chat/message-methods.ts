import { ChatErrorCode, ProtocolError } from '@sockworks/error-codes';
import { invalidParams, paramsObject, stringParam } from '../errors.js';
import { type ChatCallContext, defineChatMethod } from '../types.js';
import { type ChatCore, GENERAL, rateLimited, TYPING_INTERVAL_MS } from './chat-core.js';
import { roomChannel } from './engine/types.js';
import { type Flow, flow, wait } from './flow.js';
import { compareMessageIds, messageIdParam } from './message-id.js';
import { userKey, validateMessage } from './validation.js';

/** An optional string member of `params`. */
function optionalString(params: unknown, name: string): string | undefined {
  const value = paramsObject(params)[name];
  if (value !== undefined && typeof value !== 'string') throw invalidParams(`${name} must be a string`);
  return value;
}

/** `send_message`, `send_private`, `typing`, `mark_read`. */
export function registerMessageMethods(core: ChatCore): void {
  const { host } = core;
  host.register(
    'send_message',
    defineChatMethod({
      description: 'Send a chat message to a room (default general): every other member receives it.',
      parseParams: (p) => ({ message: stringParam(p, 'message'), room: optionalString(p, 'room') }),
      handler: (params, ctx) => flow(sendMessage(core, params, ctx)),
    }),
  );
  host.register(
    'send_private',
    defineChatMethod({
      description: 'Send a private message to one online user (protocol 2).',
      parseParams: (p) => ({ to: stringParam(p, 'to'), message: stringParam(p, 'message') }),
      handler: (params, ctx) => flow(sendPrivate(core, params, ctx)),
    }),
  );
  host.register(
    'typing',
    defineChatMethod({
      description: "Tell a room's other members that you are typing (protocol 2; one per second per room).",
      parseParams: (p) => stringParam(p, 'room'),
      handler: (room, { peer }) => {
        const session = core.session2(peer, 'typing');
        const target = core.memberRoom(session, room);
        const state = core.state(peer);
        const now = core.now();
        const last = state.typingAt?.get(target.key);
        if (last !== undefined && now - last < TYPING_INTERVAL_MS)
          throw rateLimited(Math.ceil(TYPING_INTERVAL_MS - (now - last)));
        core.charge(state);
        state.typingAt ??= new Map();
        state.typingAt.set(target.key, now);
        const event = {
          kind: 'typing',
          room: target.name,
          username: session.username,
          from: session.key,
        } as const;
        return flow(
          (function* () {
            yield* wait(core.engine.publish(roomChannel(target.key), event));
            return { status: 'success', message: 'Typing sent' };
          })(),
        );
      },
    }),
  );
  host.register(
    'mark_read',
    defineChatMethod({
      description: "Tell a room's other members how far you have read (protocol 2).",
      parseParams: (p) => ({ room: stringParam(p, 'room'), id: messageIdParam(paramsObject(p).id, 'id') }),
      handler: (params, { peer }) =>
        flow(
          (function* () {
            const session = core.session2(peer, 'mark_read');
            const room = core.memberRoom(session, params.room);
            core.charge(core.state(peer));
            const latest = (yield* wait(core.engine.history(room.key, { limit: 1 }))).messages[0]?.id;
            if (latest === undefined || compareMessageIds(params.id, latest) > 0)
              throw invalidParams(`id is after the latest message of ${room.name}`);
            const event = {
              kind: 'read',
              room: room.name,
              username: session.username,
              id: params.id,
              from: session.key,
            } as const;
            yield* wait(core.engine.publish(roomChannel(room.key), event));
            return { status: 'success', message: 'Marked read' };
          })(),
        ),
    }),
  );
}

function* sendMessage(
  core: ChatCore,
  params: { message: string; room: string | undefined },
  { peer }: ChatCallContext,
): Flow<Record<string, unknown>> {
  const session = core.session(peer, 'You must join the chat before sending messages');
  const room = params.room === undefined ? GENERAL : core.memberRoom(session, params.room);
  core.charge(core.state(peer));
  const message = validateMessage(params.message, core.options);
  const stored = yield* wait(
    core.engine.post(room, { username: session.username, message, from: session.key }),
  );
  return session.protocol === 2
    ? { status: 'success', message: 'Message sent successfully', id: stored.id, room: stored.room }
    : { status: 'success', message: 'Message sent successfully' };
}

function* sendPrivate(
  core: ChatCore,
  params: { to: string; message: string },
  { peer }: ChatCallContext,
): Flow<Record<string, unknown>> {
  const session = core.session2(peer, 'send_private');
  core.charge(core.state(peer));
  const message = validateMessage(params.message, core.options);
  const to = params.to.trim();
  const key = userKey(to);
  const user = yield* wait(core.engine.getUser(key));
  if (user === undefined) throw new ProtocolError(ChatErrorCode.USER_NOT_FOUND, `${to} is not online`);
  if (user.protocol !== 2)
    throw new ProtocolError(
      ChatErrorCode.USER_NOT_FOUND,
      `${user.username} cannot receive private messages (joined without protocol 2)`,
    );
  const sent = yield* wait(
    core.engine.sendPrivate(key, { from: session.username, to: user.username, message }),
  );
  return { status: 'success', message: 'Private message sent', id: sent.id, to: user.username };
}
