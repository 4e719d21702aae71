/** Reconnection schedule of a client: exponential backoff with jitter. */
export interface BackoffOptions {
  /** Delay before the first attempt. @default 100 */
  initialDelayMs: number;
  /** Upper bound of any delay. @default 10000 */
  maxDelayMs: number;
  /** Growth per attempt. @default 2 */
  factor: number;
  /** Fraction of each delay that is random (0 = none, 1 = "full jitter"). @default 0.5 */
  jitter: number;
  /** Give up after this many failed attempts in a row. @default Infinity */
  maxAttempts: number;
}

/** Defaults of {@link BackoffOptions}. */
export const BACKOFF_DEFAULTS: Readonly<BackoffOptions> = {
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.5,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/**
 * Delay before attempt `attempt` (1-based): `initial * factor^(attempt-1)` capped at `max`, of which
 * a `jitter` fraction is replaced by a random amount so reconnecting clients do not stampede together.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const base = Math.min(
    options.maxDelayMs,
    options.initialDelayMs * options.factor ** Math.max(0, attempt - 1),
  );
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(base * (1 - jitter) + base * jitter * random());
}
