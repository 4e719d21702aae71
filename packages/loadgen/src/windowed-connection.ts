/** One connection of a windowed load: keeps its window of pipelined requests in flight. */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ReplyCounter } from './reply-counters.js';
import type { RequestCycle } from './request-cycle.js';

/** What a connection reports to and draws from: the run it belongs to. */
export interface ConnectionHost {
  /** Replies to count now, of `n` that just arrived (fewer once a request-count bound is reached). */
  countable(n: number): number;
  /** Records the latency of one counted reply (ms). */
  record(ms: number): void;
  /** Requests this connection may send now, of `n` it would like to (0 once sending stopped). */
  take(n: number): number;
  /** `n` replies arrived that answer no request (more replies than requests in flight). */
  unexpected(n: number): void;
  /** `n` requests left flight: answered, or lost with their connection. */
  landed(n: number): void;
  /** `n` requests were sent. */
  launched(n: number): void;
  /** The socket failed or closed (not by us) with `lost` requests in flight; `landed(lost)` follows. */
  gone(connection: WindowedConnection, error: Error | undefined, lost: number): void;
}

export class WindowedConnection {
  /** Position among the run's connections (0-based), for messages. */
  readonly index: number;
  /** performance.now() of the last byte received, or of the start: what the stall check looks at. */
  lastActivity = 0;
  /** `rejected` of the reply counter when the measured phase began. */
  rejectedAtStart = 0;
  readonly #host: ConnectionHost;
  readonly #socket: Socket;
  readonly #cycle: RequestCycle;
  readonly #counter: ReplyCounter;
  /** Send times of the requests in flight, a ring in FIFO order starting at #head. */
  readonly #sentAt: Float64Array;
  #head = 0;
  #inFlight = 0;
  /** Position of the next request in the cycle. */
  #next = 0;
  #gone = false;

  constructor(
    host: ConnectionHost,
    index: number,
    socket: Socket,
    cycle: RequestCycle,
    counter: ReplyCounter,
    window: number,
  ) {
    this.#host = host;
    this.index = index;
    this.#socket = socket;
    this.#cycle = cycle;
    this.#counter = counter;
    this.#sentAt = new Float64Array(window);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => this.#onGone(err));
    socket.on('close', () => this.#onGone(undefined));
  }

  /** Requests sent and not answered yet. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Replies the counter rejected so far. */
  get rejected(): number {
    return this.#counter.rejected;
  }

  /** True once the socket failed or closed. */
  get closed(): boolean {
    return this.#gone;
  }

  /** Fills the window (as far as the run allows). */
  start(): void {
    const now = performance.now();
    this.lastActivity = now;
    this.#send(this.#host.take(this.#sentAt.length), now);
  }

  /** Closes the socket; the run has ended or failed, so its close is not reported. */
  destroy(): void {
    this.#gone = true;
    this.#socket.destroy();
  }

  #send(n: number, now: number): void {
    if (n <= 0) return;
    const w = this.#sentAt.length;
    let slot = this.#head + this.#inFlight;
    if (slot >= w) slot -= w;
    for (let i = 0; i < n; i++) {
      this.#sentAt[slot] = now;
      slot = slot + 1 === w ? 0 : slot + 1;
    }
    this.#inFlight += n;
    this.#host.launched(n);
    this.#next = this.#cycle.write(this.#socket, this.#next, n);
  }

  #onData(chunk: Buffer): void {
    const now = performance.now();
    this.lastActivity = now;
    let n = this.#counter.feed(chunk);
    if (n === 0) return;
    if (n > this.#inFlight) {
      this.#host.unexpected(n - this.#inFlight);
      n = this.#inFlight;
    }
    const host = this.#host;
    const w = this.#sentAt.length;
    const counted = host.countable(n);
    let head = this.#head;
    for (let k = 0; k < counted; k++) {
      host.record(now - this.#sentAt[head]!);
      head = head + 1 === w ? 0 : head + 1;
    }
    head += n - counted;
    this.#head = head >= w ? head % w : head;
    this.#inFlight -= n;
    host.landed(n);
    this.#send(host.take(n), now);
  }

  #onGone(error: Error | undefined): void {
    if (this.#gone) return;
    this.#gone = true;
    const lost = this.#inFlight;
    this.#inFlight = 0;
    this.#host.gone(this, error, lost);
    this.#host.landed(lost);
  }
}
