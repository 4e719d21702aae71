/**
 * The requests a TcpClient has sent and not had answered, in send order (the server answers in
 * order, so the oldest is the one the next reply belongs to), with one timer for the oldest.
 */
import type { Frame } from '../protocol/messages.js';

interface Pending {
  resolve(frame: Frame): void;
  reject(error: Error): void;
  sentAt: number;
}

/** A FIFO of pending requests; `onTimeout` runs when the oldest has waited `timeoutMs` (0 = never). */
export class PendingRequests {
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly onTimeout: () => void,
  ) {}

  /** Requests waiting for a reply. */
  get length(): number {
    return this.#queue.length;
  }

  /** Records a request just sent. */
  push(resolve: (frame: Frame) => void, reject: (error: Error) => void): void {
    this.#queue.push({ resolve, reject, sentAt: Date.now() });
    this.#arm();
  }

  /** Settles the oldest request: rejects it with `error` when one is given, else resolves it with `frame`. */
  settleOldest(frame: Frame, error: Error | undefined): void {
    const oldest = this.#queue.shift();
    if (this.#queue.length === 0) this.#disarm();
    if (oldest === undefined) return;
    if (error === undefined) oldest.resolve(frame);
    else oldest.reject(error);
  }

  /** Fails every pending request with `error`. */
  rejectAll(error: Error): void {
    this.#disarm();
    const queue = this.#queue;
    this.#queue = [];
    for (const p of queue) p.reject(error);
  }

  #arm(): void {
    if (this.timeoutMs === 0 || this.#timer !== undefined) return;
    // One timer for the oldest request: replies come in order, so if the oldest is late, all are.
    this.#timer = setTimeout(() => this.#check(), this.timeoutMs);
    this.#timer.unref();
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #check(): void {
    this.#timer = undefined;
    const oldest = this.#queue[0];
    if (oldest === undefined) return;
    const late = Date.now() - oldest.sentAt;
    if (late < this.timeoutMs) {
      this.#timer = setTimeout(() => this.#check(), this.timeoutMs - late);
      this.#timer.unref();
      return;
    }
    this.onTimeout();
  }
}
