import { FramingError, FramingErrorCode } from './framing-error.js';

/** A connection whose decoder may hold an unfinished message (see {@link PartialMessageGuard}). */
export interface PartialMessageHolder {
  /**
   * This holder's unfinished message ran past the deadline, or pushed the server over its budget of
   * partial bytes. The guard has stopped counting it; the holder answers with its protocol's error
   * for `error` (fatal: MESSAGE_TIMEOUT or PARTIAL_BUDGET_EXCEEDED), drops its decoder and closes.
   */
  onPartialMessageError(error: FramingError): void;
}

/** Defaults of {@link PartialMessageGuardOptions}. */
export const PARTIAL_MESSAGE_DEFAULTS = {
  /** @default 30000 ms from a message's first byte to its last (HTTP servers' headers/request timeouts) */
  messageTimeoutMs: 30_000,
  /** @default 64 MiB of unfinished-message bytes held across all connections of a server */
  budgetBytes: 64 * 1024 * 1024,
} as const;

/** Options of {@link PartialMessageGuard}. */
export interface PartialMessageGuardOptions {
  /** Time from a message's first byte until it must be complete; 0 turns the deadline off. @default 30000 */
  messageTimeoutMs?: number;
  /** Most bytes of unfinished messages held at once, server-wide; 0 turns the budget off. @default 64 MiB */
  budgetBytes?: number;
  /** How often deadlines are checked. @default messageTimeoutMs / 10, between 10 and 1000 ms */
  sweepIntervalMs?: number;
  /** Clock in ms. @default Date.now */
  now?: () => number;
  /** A holder's `onPartialMessageError` threw (a bug); the sweep goes on with the others. */
  onHolderError?: (err: unknown) => void;
}

/** What the guard knows of one holder with an unfinished message. */
class PendingMessage {
  constructor(
    public bytes: number,
    public sinceMs: number,
  ) {}
}

/**
 * Bounds unfinished messages in time and in total, for every connection of one server: a message must
 * be complete `messageTimeoutMs` after its first byte (bytes that keep trickling in do not extend it),
 * and the bytes decoders hold for unfinished messages may not pass `budgetBytes` together. A holder
 * over either gets `onPartialMessageError`.
 *
 * Cheap on the hot path: connections call `update()` after each push with the decoder's `buffered`;
 * a connection with nothing pending costs one Map lookup, and only a push that leaves bytes pending
 * reads the clock. Deadlines are checked by one coarse sweep timer over the holders with pending
 * bytes (never over idle connections), running only while there are any.
 *
 * Over the budget, the connection whose push passed it is cut off: that is O(1), it is the one growing,
 * and holders of old partial messages are the deadline's job.
 */
export class PartialMessageGuard<H extends PartialMessageHolder> {
  readonly messageTimeoutMs: number;
  readonly budgetBytes: number;
  readonly #sweepMs: number;
  readonly #now: () => number;
  readonly #onHolderError: (err: unknown) => void;
  readonly #pending = new Map<H, PendingMessage>();
  #total = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: PartialMessageGuardOptions = {}) {
    this.messageTimeoutMs = nonNegative(
      'messageTimeoutMs',
      options.messageTimeoutMs ?? PARTIAL_MESSAGE_DEFAULTS.messageTimeoutMs,
    );
    this.budgetBytes = nonNegative(
      'budgetBytes',
      options.budgetBytes ?? PARTIAL_MESSAGE_DEFAULTS.budgetBytes,
    );
    this.#sweepMs = nonNegative(
      'sweepIntervalMs',
      options.sweepIntervalMs ?? Math.min(1000, Math.max(10, Math.floor(this.messageTimeoutMs / 10))),
    );
    this.#now = options.now ?? Date.now;
    this.#onHolderError =
      options.onHolderError ??
      ((err) => {
        queueMicrotask(() => {
          throw err;
        });
      });
  }

  /** Bytes of unfinished messages held by all holders together. */
  get bytes(): number {
    return this.#total;
  }

  /** Number of holders with an unfinished message. */
  get holders(): number {
    return this.#pending.size;
  }

  /**
   * Records what `holder`'s decoder holds after a push: `buffered` bytes of an unfinished message, and
   * whether the push completed a message (so what is left started in this push and its deadline is
   * counted from now). Returns false when `holder` was cut off for passing the budget (its
   * `onPartialMessageError` has run by then). Call it after the push, never from a decoder callback.
   */
  update(holder: H, buffered: number, completed: boolean): boolean {
    let entry = this.#pending.get(holder);
    if (entry === undefined) {
      if (buffered === 0 || this.#closed) return true;
      entry = new PendingMessage(buffered, this.#now());
      this.#pending.set(holder, entry);
      this.#total += buffered;
      this.#startSweep();
    } else if (buffered === 0) {
      this.#pending.delete(holder);
      this.#total -= entry.bytes;
      return true;
    } else {
      this.#total += buffered - entry.bytes;
      entry.bytes = buffered;
      if (completed) entry.sinceMs = this.#now();
    }
    if (this.budgetBytes > 0 && this.#total > this.budgetBytes) {
      const total = this.#total;
      this.release(holder);
      this.#notify(
        holder,
        new FramingError(
          FramingErrorCode.PARTIAL_BUDGET_EXCEEDED,
          `Server holds ${total} bytes of unfinished messages, over its budget of ${this.budgetBytes}`,
          { fatal: true },
        ),
      );
      return false;
    }
    return true;
  }

  /** Stops counting `holder` (its connection closed or dropped its decoder). Idempotent. */
  release(holder: H): void {
    const entry = this.#pending.get(holder);
    if (entry === undefined) return;
    this.#pending.delete(holder);
    this.#total -= entry.bytes;
  }

  /** Checks every deadline now (the sweep timer calls this). */
  sweep(): void {
    if (this.messageTimeoutMs === 0) return;
    const now = this.#now();
    const limit = this.messageTimeoutMs;
    const late: [H, PendingMessage][] = [];
    for (const pair of this.#pending) {
      if (now - pair[1].sinceMs >= limit) late.push(pair);
    }
    for (const [holder, entry] of late) {
      this.release(holder);
      this.#notify(
        holder,
        new FramingError(
          FramingErrorCode.MESSAGE_TIMEOUT,
          `Message not completed within ${limit} ms of its first byte (${entry.bytes} bytes received)`,
          { fatal: true },
        ),
      );
    }
  }

  /** Stops the sweep timer and forgets every holder (the server is closed). */
  close(): void {
    this.#closed = true;
    this.#stopSweep();
    this.#pending.clear();
    this.#total = 0;
  }

  #notify(holder: H, error: FramingError): void {
    try {
      holder.onPartialMessageError(error);
    } catch (err) {
      this.#onHolderError(err);
    }
  }

  #startSweep(): void {
    if (this.#timer !== undefined || this.messageTimeoutMs === 0 || this.#sweepMs === 0) return;
    this.#timer = setInterval(() => {
      this.sweep();
      // Stopped lazily, so a connection going in and out of a partial message does not churn timers.
      if (this.#pending.size === 0) this.#stopSweep();
    }, this.#sweepMs);
    this.#timer.unref();
  }

  #stopSweep(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative number, got ${String(value)}`);
  }
  return value;
}
