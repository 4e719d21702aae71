/**
 * The chat protocol's fan-out load: @sockworks/loadgen's `runFanout` with this server's messages
 * (plain dialect), to everyone (the spec's broadcast) or in rooms. Used by `fanout-cli.ts` and by the
 * benchmark harness (`chat-fanout`, `chat-room-fanout`).
 */
import { type FanoutOptions, type FanoutProtocol, type FanoutResult, runFanout } from '@sockworks/loadgen';

const line = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value)}\n`);
const MESSAGE = /"message":"m(\d+)"/;

/** Join as `name`, acknowledged by a success status; messages are `m<seq>`, delivered as chat broadcasts. */
export const CHAT_FANOUT_PROTOCOL: FanoutProtocol = {
  join: (name) => line({ method: 'join_chat', params: { username: name } }),
  joined: (reply) => reply.startsWith('{"status":"success"'),
  message: (seq) => line({ method: 'send_message', params: { message: `m${seq}` } }),
  delivered: (reply) => {
    if (!reply.includes('"type":"chat"')) return undefined;
    const m = MESSAGE.exec(reply);
    return m ? Number(m[1]) : undefined;
  },
};

/** Room `group` of a room fan-out. */
const roomOf = (group: number): string => `room${group}`;

/**
 * Protocol 2 in rooms `room0`, `room1`, ...: join the chat, then the group's room (the join counts once
 * `join_room` is answered); messages `m<seq>` go to the room of their group.
 */
export const CHAT_ROOM_FANOUT_PROTOCOL: FanoutProtocol = {
  join: (name, group) =>
    Buffer.concat([
      line({ method: 'join_chat', params: { username: name, protocol: 2 } }),
      line({ method: 'join_room', params: { room: roomOf(group) } }),
    ]),
  // The join_room reply names its room; the join_chat reply has `"rooms":[...]` instead.
  joined: (reply) => reply.startsWith('{"status":"success"') && reply.includes('"room":"room'),
  message: (seq, group) =>
    line({ method: 'send_message', params: { message: `m${seq}`, room: roomOf(group) } }),
  delivered: CHAT_FANOUT_PROTOCOL.delivered,
};

/** Options of {@link runChatFanout}: those of `runFanout` but the protocol and groups. */
export type ChatFanoutOptions = Omit<FanoutOptions, 'protocol' | 'groups'> & {
  /** Spread the receivers over this many rooms, each with its own sender (0: everyone, in general). @default 0 */
  rooms?: number;
};

/**
 * Joins `receivers` chat clients and a sender, sends `messages` chat messages, and measures the time
 * from each write until every receiver has it; with `rooms`, until every member of the message's room
 * has it. Join replies list every user, so lines may be long: up to 4 MiB by default. Each join is
 * announced to everyone already there (n²/2 notices in all), so the last joins of a thousand wait
 * behind that storm: a join has 30 s by default.
 */
export function runChatFanout({ rooms = 0, ...options }: ChatFanoutOptions): Promise<FanoutResult> {
  const protocol = rooms > 0 ? CHAT_ROOM_FANOUT_PROTOCOL : CHAT_FANOUT_PROTOCOL;
  return runFanout({
    maxLineBytes: 4 * 1024 * 1024,
    joinTimeoutMs: 30_000,
    ...options,
    protocol,
    groups: Math.max(1, rooms),
  });
}
