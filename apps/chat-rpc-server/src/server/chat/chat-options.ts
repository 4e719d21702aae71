import type { Logger } from '@sockworks/logging';
import { ConfigError } from '@sockworks/service';
import type { ChatEngine, ProtocolLevel } from './engine/types.js';
import type { Clock } from './token-bucket.js';
import { DEFAULT_TEXT_LIMITS, type TextLimits } from './validation.js';

/** What happens when a requested name is already in use. */
export type DuplicateNamePolicy = 'suffix' | 'reject';

/** Protocol 2's options: the level of a join that names none, rooms, history, sessions (server options too). */
export interface Protocol2Options {
  /**
   * The protocol level of a `join_chat` that names none: 2 (the default) gives every client protocol 2
   * unless it asks for 1, so clients written from the protocol-2 documentation need not know the
   * switch; 1 keeps such clients on the spec's exact shapes (protocol 2 is then opted into).
   * @default 2
   */
  defaultProtocol: ProtocolLevel;
  /** Rooms one user may be in, `general` included. @default 50 */
  maxRoomsPerUser: number;
  /** Rooms that may exist at once (with members or stored history). @default 10000 */
  maxRooms: number;
  /** Messages of history kept per room (0: none). @default 1000 */
  historySize: number;
  /** Approximate memory of all stored history; past it the oldest messages go first. @default 67108864 */
  historyMaxBytes: number;
  /** Append-only file that keeps the history across restarts (unset: memory only). */
  historyFile?: string;
  /** How long a dropped protocol-2 session is held for a resume (0: no resume). @default 60000 */
  sessionTtlMs: number;
  /** Sessions held at once; past it the oldest hold ends early. @default 10000 */
  maxHeldSessions: number;
}

/** Options of the chat layer. */
export interface ChatOptions extends TextLimits, Protocol2Options {
  /** `suffix`: append `_<client port>` to a taken name; `reject`: answer USERNAME_TAKEN. @default 'suffix' */
  duplicateNames: DuplicateNamePolicy;
  /** Token bucket size: calls that make the server send to others, allowed at once. @default 10 */
  rateBurst: number;
  /** Token bucket refill per second. @default 2 */
  ratePerSecond: number;
  /** Disconnect a client that has not joined within this many ms (0: never). @default 60000 */
  joinTimeoutMs: number;
  /** A get_history reply stops short of `limit` rather than pass this many bytes. @default 262144 */
  historyReplyMaxBytes: number;
  /** Where membership, fan-out, history, presence, names and sessions live. @default a MemoryEngine */
  engine?: ChatEngine;
  /** Time source for the rate limiters, in ms. @default performance.now */
  now?: Clock;
  /** @default silent */
  logger?: Logger;
}

/** Defaults of {@link ChatOptions}. */
export const DEFAULT_CHAT_OPTIONS: Readonly<ChatOptions> = {
  ...DEFAULT_TEXT_LIMITS,
  duplicateNames: 'suffix',
  rateBurst: 10,
  ratePerSecond: 2,
  joinTimeoutMs: 60_000,
  defaultProtocol: 2,
  maxRoomsPerUser: 50,
  maxRooms: 10_000,
  historySize: 1000,
  historyMaxBytes: 64 * 1024 * 1024,
  sessionTtlMs: 60_000,
  maxHeldSessions: 10_000,
  historyReplyMaxBytes: 256 * 1024,
};

/** Throws a ConfigError naming the first invalid option. */
export function validateChatOptions(o: ChatOptions): void {
  const int = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min)
      throw new ConfigError(`${name} must be an integer >= ${min} (got ${v})`);
  };
  int('maxUsernameLength', o.maxUsernameLength, 1);
  int('maxMessageLength', o.maxMessageLength, 1);
  int('rateBurst', o.rateBurst, 1);
  int('maxRoomsPerUser', o.maxRoomsPerUser, 1);
  int('maxRooms', o.maxRooms, 1);
  int('historySize', o.historySize, 0);
  int('historyMaxBytes', o.historyMaxBytes, 0);
  int('maxHeldSessions', o.maxHeldSessions, 1);
  int('historyReplyMaxBytes', o.historyReplyMaxBytes, 1024);
  if (!(o.ratePerSecond > 0))
    throw new ConfigError(`ratePerSecond must be positive (got ${o.ratePerSecond})`);
  if (!(o.joinTimeoutMs >= 0)) throw new ConfigError(`joinTimeoutMs must be >= 0 (got ${o.joinTimeoutMs})`);
  if (!(o.sessionTtlMs >= 0)) throw new ConfigError(`sessionTtlMs must be >= 0 (got ${o.sessionTtlMs})`);
  if (o.duplicateNames !== 'suffix' && o.duplicateNames !== 'reject') {
    throw new ConfigError(`duplicateNames must be "suffix" or "reject" (got ${String(o.duplicateNames)})`);
  }
  if (o.defaultProtocol !== 1 && o.defaultProtocol !== 2)
    throw new ConfigError(`defaultProtocol must be 1 or 2 (got ${String(o.defaultProtocol)})`);
  if (o.historyFile !== undefined && o.historyFile.trim() === '')
    throw new ConfigError('historyFile must be a path (or unset)');
}
