/**
 * The chat protocol's broadcast fan-out load: @sockworks/loadgen's `runFanout` with this server's
 * messages (plain dialect). Used by `fanout-cli.ts` and by the benchmark harness (`chat-fanout`).
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

/** Options of {@link runChatFanout}: those of `runFanout` but the protocol. */
export type ChatFanoutOptions = Omit<FanoutOptions, 'protocol'>;

/**
 * Joins `receivers` chat clients and one sender, sends `messages` chat messages, and measures the
 * time from each write until every receiver has it. Join replies list every user, so lines may be
 * long: up to 4 MiB by default.
 */
export function runChatFanout(options: ChatFanoutOptions): Promise<FanoutResult> {
  return runFanout({ maxLineBytes: 4 * 1024 * 1024, ...options, protocol: CHAT_FANOUT_PROTOCOL });
}
