/** Reconnection schedule: exponential backoff with jitter. */
export interface BackoffOptions {
  /** Delay before the first attempt. @default 200 */
  initialDelayMs: number;
  /** Upper bound of any delay. @default 10000 */
  maxDelayMs: number;
  /** Give up after this many failed attempts in a row. @default Infinity */
  maxAttempts: number;
}

/** Defaults of {@link BackoffOptions}. */
export const BACKOFF_DEFAULTS: Readonly<BackoffOptions> = {
  initialDelayMs: 200,
  maxDelayMs: 10_000,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/**
 * Delay before attempt `attempt` (1-based): doubling from `initialDelayMs`, capped at `maxDelayMs`,
 * half of it random so clients dropped together do not reconnect together.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + (base / 2) * random());
}
