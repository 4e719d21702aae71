import type { Logger } from '@sockworks/logging';
import { ConfigError } from '@sockworks/service';
import type { Clock } from './token-bucket.js';
import { DEFAULT_TEXT_LIMITS, type TextLimits } from './validation.js';

/** What happens when a requested name is already in use. */
export type DuplicateNamePolicy = 'suffix' | 'reject';

/** Options of the chat layer. */
export interface ChatOptions extends TextLimits {
  /** `suffix`: append `_<client port>` to a taken name; `reject`: answer USERNAME_TAKEN. @default 'suffix' */
  duplicateNames: DuplicateNamePolicy;
  /** Token bucket size: join_chat/send_message calls allowed at once. @default 10 */
  rateBurst: number;
  /** Token bucket refill per second. @default 2 */
  ratePerSecond: number;
  /** Disconnect a client that has not joined within this many ms (0: never). @default 60000 */
  joinTimeoutMs: number;
  /** Time source for the rate limiter, in ms. @default performance.now */
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
};

/** Throws a ConfigError naming the first invalid option. */
export function validateChatOptions(o: ChatOptions): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new ConfigError(`${name} must be a positive integer (got ${v})`);
  };
  positiveInt('maxUsernameLength', o.maxUsernameLength);
  positiveInt('maxMessageLength', o.maxMessageLength);
  positiveInt('rateBurst', o.rateBurst);
  if (!(o.ratePerSecond > 0))
    throw new ConfigError(`ratePerSecond must be positive (got ${o.ratePerSecond})`);
  if (!(o.joinTimeoutMs >= 0)) throw new ConfigError(`joinTimeoutMs must be >= 0 (got ${o.joinTimeoutMs})`);
  if (o.duplicateNames !== 'suffix' && o.duplicateNames !== 'reject') {
    throw new ConfigError(`duplicateNames must be "suffix" or "reject" (got ${String(o.duplicateNames)})`);
  }
}
