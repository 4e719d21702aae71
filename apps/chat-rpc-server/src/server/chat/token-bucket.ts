/** A clock returning milliseconds; injectable so tests control time. */
export type Clock = () => number;

/** Token bucket settings. */
export interface TokenBucketOptions {
  /** Tokens available at once (and the bucket's size). @default 10 */
  burst: number;
  /** Tokens added per second. @default 2 */
  ratePerSecond: number;
  /** Time source in milliseconds. @default performance.now */
  now?: Clock;
}

const performanceNow: Clock = () => performance.now();

/** A token bucket: `burst` actions at once, then `ratePerSecond` on average. */
export class TokenBucket {
  readonly #burst: number;
  readonly #perMs: number;
  readonly #now: Clock;
  #tokens: number;
  #last: number;

  constructor(options: TokenBucketOptions) {
    if (!(options.burst >= 1)) throw new RangeError('burst must be at least 1');
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.#burst = options.burst;
    this.#perMs = options.ratePerSecond / 1000;
    this.#now = options.now ?? performanceNow;
    this.#tokens = options.burst;
    this.#last = this.#now();
  }

  /** Takes one token; false when the bucket is empty (the action must be refused). */
  tryTake(): boolean {
    const now = this.#now();
    // A clock that goes backwards must not mint tokens or leave the bucket stuck.
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#perMs);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token is available (0 when one is). */
  msUntilNextToken(): number {
    const missing = 1 - this.#tokens;
    return missing <= 0 ? 0 : Math.ceil(missing / this.#perMs);
  }
}
