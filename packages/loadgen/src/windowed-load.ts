/**
 * The windowed load generator: N connections, each keeping `window` pipelined requests in flight for a
 * measured time or until a number of replies, after an optional unmeasured warm-up. Replies are
 * matched to requests in order by a per-protocol reply counter, which gives every request's latency
 * without decoding replies. Built for throughput: each chunk of replies is answered with one write of
 * as many new requests (a view of a pre-built buffer), and latencies go to one HDR histogram.
 * Every wait is bounded: connecting, a connection that stops answering (stall), the final drain.
 */
import { performance } from 'node:perf_hooks';
import { ClientErrorCode, ProtocolError } from '@sockworks/error-codes';
import { checkInt, withDefaults } from '@sockworks/service';
import { delay } from './delay.js';
import { LatencyHistogram, type LatencySummary } from './histogram.js';
import type { ReplyCounterFactory } from './reply-counters.js';
import { RequestCycle } from './request-cycle.js';
import { connectSocket, describeTarget, type LoadTarget } from './target.js';
import { type ConnectionHost, WindowedConnection } from './windowed-connection.js';

/** Defaults of {@link WindowedLoadOptions}. */
export const WINDOWED_LOAD_DEFAULTS = {
  /** @default 1 */
  connections: 1,
  /** Requests in flight per connection (1 = no pipelining). @default 1 */
  window: 1,
  /** Measured time in ms. @default 10000 (no time bound when `requestCount` is given) */
  durationMs: 10_000,
  /** Unmeasured load before it (JIT, TCP windows). @default 0 */
  warmupMs: 0,
  /** A connection not established within this fails the run (CONNECT_FAILED). @default 5000 */
  connectTimeoutMs: 5_000,
  /** Connections opened at once (so the server's listen backlog is not overrun). @default 256 */
  connectConcurrency: 256,
  /**
   * A connection with requests in flight that receives nothing for this long fails the run
   * (REQUEST_TIMEOUT, naming the connection); 0 turns the check off. @default 10000
   */
  stallTimeoutMs: 10_000,
  /** After the measured phase, how long to let requests in flight come back before closing. @default 2000 */
  drainTimeoutMs: 2_000,
  /** @default 1000 */
  progressIntervalMs: 1_000,
} as const;

/** Options of {@link runWindowedLoad}. */
export interface WindowedLoadOptions {
  target: LoadTarget;
  /** The requests of connection `c` (0-based), sent round-robin; each a complete message on the wire. */
  requests(connection: number): readonly Uint8Array[];
  /** A reply counter for each connection (`lineReplies`, `lengthPrefixedReplies`, or your own). */
  replies: ReplyCounterFactory;
  connections?: number;
  window?: number;
  durationMs?: number;
  /** Ends the measured phase once this many replies are counted (with `durationMs`: whichever first). */
  requestCount?: number;
  warmupMs?: number;
  connectTimeoutMs?: number;
  connectConcurrency?: number;
  stallTimeoutMs?: number;
  drainTimeoutMs?: number;
  progressIntervalMs?: number;
  /** Called every `progressIntervalMs` during the warm-up and the measured phase. */
  onProgress?(progress: LoadProgress): void;
}

/** A progress report. */
export interface LoadProgress {
  phase: 'warmup' | 'measure';
  /** Time since the start of the phase, ms. */
  elapsedMs: number;
  /** Replies counted in the phase so far. */
  completed: number;
  /** Replies per second over the last interval. */
  intervalRate: number;
}

/** The numbers of a load run, over its measured phase. */
export interface LoadResult {
  /** Replies counted. */
  completed: number;
  elapsedMs: number;
  perSecond: number;
  /** Replies the counter rejected (error replies) plus replies that answered no request. */
  errors: number;
  latency: LatencySummary;
}

/** The numbers of a windowed run. */
export interface WindowedLoadResult extends LoadResult {
  connections: number;
  window: number;
}

type Resolved = Required<Omit<WindowedLoadOptions, 'onProgress' | 'requestCount'>> &
  Pick<WindowedLoadOptions, 'onProgress'> & { requestCount: number };

type Phase = 'connect' | 'warmup' | 'measure' | 'drain';

/**
 * Runs the load and resolves with its numbers. Rejects with a `ProtocolError`: INVALID_CONFIG for a
 * bad option, CONNECT_FAILED when a connection cannot be made in time, CONNECTION_CLOSED when one
 * fails or is closed during the run, REQUEST_TIMEOUT when one stalls. Every socket is closed either way.
 */
export async function runWindowedLoad(options: WindowedLoadOptions): Promise<WindowedLoadResult> {
  const o = withDefaults(WINDOWED_LOAD_DEFAULTS, options);
  // Only a request count given alone lifts the time bound.
  const timed = options.durationMs !== undefined || options.requestCount === undefined;
  if (timed) checkInt('durationMs', o.durationMs);
  if (options.requestCount !== undefined) checkInt('requestCount', options.requestCount);
  for (const name of [
    'connections',
    'window',
    'connectTimeoutMs',
    'connectConcurrency',
    'progressIntervalMs',
  ] as const)
    checkInt(name, o[name]);
  for (const name of ['warmupMs', 'stallTimeoutMs', 'drainTimeoutMs'] as const)
    checkInt(name, o[name], { min: 0 });
  return new WindowedRun({
    ...o,
    durationMs: timed ? o.durationMs : Number.POSITIVE_INFINITY,
    requestCount: options.requestCount ?? Number.POSITIVE_INFINITY,
  }).run();
}

/** The shared state of one run: phases, counts, the histogram, failure. */
class WindowedRun implements ConnectionHost {
  readonly #o: Resolved;
  readonly #histogram = new LatencyHistogram();
  readonly #connections: WindowedConnection[] = [];
  /** Request cycles by request list: connections given the same list share one. */
  readonly #cycles = new Map<readonly Uint8Array[], RequestCycle>();
  #phase: Phase = 'connect';
  /** Replies counted in the current phase. */
  #completed = 0;
  /** Replies still to count before a request-count bound ends the measured phase. */
  #remaining = Number.POSITIVE_INFINITY;
  /** Requests connections may still send (finite under a request-count bound). */
  #budget = Number.POSITIVE_INFINITY;
  #inFlight = 0;
  #unexpected = 0;
  #measureStart = 0;
  #measureEnd = 0;
  #errors = 0;
  #failure: Error | undefined;
  #reject: (error: Error) => void = () => {};
  readonly #failed: Promise<never>;
  #endMeasured: () => void = () => {};
  #drained: () => void = () => {};
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(o: Resolved) {
    this.#o = o;
    this.#failed = new Promise<never>((_, reject) => {
      this.#reject = reject;
    });
    this.#failed.catch(() => {});
  }

  async run(): Promise<WindowedLoadResult> {
    const o = this.#o;
    try {
      await this.#connectAll();
      if (o.stallTimeoutMs > 0) {
        const every = Math.max(10, Math.min(1000, Math.floor(o.stallTimeoutMs / 4)));
        this.#timers.push(setInterval(() => this.#checkStalls(), every));
      }
      if (o.warmupMs > 0) {
        this.#phase = 'warmup';
        for (const c of this.#connections) c.start();
        await this.#runPhase('warmup', delay(o.warmupMs));
        this.#beginMeasure();
      } else {
        this.#beginMeasure();
        for (const c of this.#connections) c.start();
      }
      const ended = new Promise<void>((resolve) => {
        this.#endMeasured = resolve;
      });
      const timeUp = Number.isFinite(o.durationMs) ? delay(o.durationMs) : undefined;
      timeUp?.done.then(() => this.#endMeasure());
      await this.#runPhase('measure', { done: ended, timer: timeUp?.timer });
      // Let the requests still in flight come back, so the server is idle when we disconnect.
      if (this.#inFlight > 0) {
        const drained = new Promise<void>((resolve) => {
          this.#drained = resolve;
        });
        const deadline = delay(o.drainTimeoutMs);
        await Promise.race([drained, deadline.done]);
        clearTimeout(deadline.timer);
      }
      const elapsedMs = this.#measureEnd - this.#measureStart;
      return {
        connections: o.connections,
        window: o.window,
        completed: this.#completed,
        elapsedMs,
        perSecond: elapsedMs > 0 ? (this.#completed * 1000) / elapsedMs : 0,
        errors: this.#errors,
        latency: this.#histogram.summary(),
      };
    } finally {
      this.#phase = 'drain';
      for (const t of this.#timers) clearTimeout(t);
      for (const c of this.#connections) c.destroy();
    }
  }

  // ConnectionHost: called by the connections as replies arrive.

  countable(n: number): number {
    if (this.#phase === 'measure') {
      const counted = Math.min(n, this.#remaining);
      this.#remaining -= counted;
      this.#completed += counted;
      if (this.#remaining === 0) this.#endMeasure();
      return counted;
    }
    if (this.#phase === 'warmup') this.#completed += n;
    return 0;
  }

  record(ms: number): void {
    this.#histogram.record(ms);
  }

  take(n: number): number {
    if (this.#phase !== 'warmup' && this.#phase !== 'measure') return 0;
    if (n <= this.#budget) {
      this.#budget -= n;
      return n;
    }
    const granted = this.#budget;
    this.#budget = 0;
    return granted;
  }

  unexpected(n: number): void {
    if (this.#phase === 'measure') this.#unexpected += n;
  }

  launched(n: number): void {
    this.#inFlight += n;
  }

  landed(n: number): void {
    this.#inFlight -= n;
    if (this.#inFlight === 0 && this.#phase === 'drain') this.#drained();
  }

  gone(connection: WindowedConnection, error: Error | undefined, lost: number): void {
    if (this.#phase === 'drain') return;
    const what = error === undefined ? 'was closed by the server' : `failed (${error.message})`;
    this.#fail(
      new ProtocolError(
        ClientErrorCode.CONNECTION_CLOSED,
        `${this.#name(connection.index)} ${what} with ${lost} requests in flight (${this.#phase} phase)`,
        error === undefined ? {} : { cause: error },
      ),
    );
  }

  #name(index: number): string {
    return `${this.#label(index)} to ${describeTarget(this.#o.target)}`;
  }

  #label(index: number): string {
    return `connection ${index + 1} of ${this.#o.connections}`;
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    this.#reject(error);
  }

  /** Opens the connections, `connectConcurrency` at a time; any failure fails the run. */
  async #connectAll(): Promise<void> {
    const o = this.#o;
    for (let first = 0; first < o.connections; first += o.connectConcurrency) {
      const batch: Promise<void>[] = [];
      for (let i = first; i < Math.min(o.connections, first + o.connectConcurrency); i++) {
        batch.push(this.#connect(i));
      }
      // allSettled: every socket of the batch is in #connections (and closed) before a failure is thrown.
      const settled = await Promise.race([Promise.allSettled(batch), this.#failed]);
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /** Opens connection `i`; its requests are laid out first, so a bad request list opens no socket. */
  async #connect(i: number): Promise<void> {
    const o = this.#o;
    const requests = o.requests(i);
    let cycle = this.#cycles.get(requests);
    if (cycle === undefined) {
      cycle = new RequestCycle(requests, o.window);
      this.#cycles.set(requests, cycle);
    }
    const counter = o.replies();
    const socket = await connectSocket(o.target, o.connectTimeoutMs, this.#label(i));
    this.#connections.push(new WindowedConnection(this, i, socket, cycle, counter, o.window));
  }

  #beginMeasure(): void {
    this.#phase = 'measure';
    this.#completed = 0;
    this.#remaining = this.#o.requestCount;
    this.#budget = Math.max(0, this.#o.requestCount - this.#inFlight);
    for (const c of this.#connections) c.rejectedAtStart = c.rejected;
    this.#measureStart = performance.now();
  }

  #endMeasure(): void {
    if (this.#phase !== 'measure') return;
    this.#phase = 'drain';
    this.#measureEnd = performance.now();
    let rejected = 0;
    for (const c of this.#connections) rejected += c.rejected - c.rejectedAtStart;
    this.#errors = rejected + this.#unexpected;
    this.#endMeasured();
  }

  /** Waits for a phase to end (or the run to fail), reporting progress meanwhile. */
  async #runPhase(
    phase: LoadProgress['phase'],
    end: { done: Promise<void>; timer: NodeJS.Timeout | undefined },
  ): Promise<void> {
    const onProgress = this.#o.onProgress;
    const start = performance.now();
    let lastCount = 0;
    let lastTime = start;
    const progress =
      onProgress &&
      setInterval(() => {
        const now = performance.now();
        const count = this.#completed;
        onProgress({
          phase,
          elapsedMs: now - start,
          completed: count,
          intervalRate: ((count - lastCount) * 1000) / Math.max(1, now - lastTime),
        });
        lastCount = count;
        lastTime = now;
      }, this.#o.progressIntervalMs);
    try {
      await Promise.race([end.done, this.#failed]);
    } finally {
      clearInterval(progress);
      clearTimeout(end.timer);
    }
  }

  /** Fails the run when a connection with requests in flight has received nothing for too long. */
  #checkStalls(): void {
    if (this.#phase !== 'warmup' && this.#phase !== 'measure') return;
    const now = performance.now();
    const limit = this.#o.stallTimeoutMs;
    for (const c of this.#connections) {
      if (c.closed || c.inFlight === 0 || now - c.lastActivity <= limit) continue;
      this.#fail(
        new ProtocolError(
          ClientErrorCode.REQUEST_TIMEOUT,
          `${this.#name(c.index)} stalled: nothing received for ${Math.round(now - c.lastActivity)} ms ` +
            `with ${c.inFlight} requests in flight (${this.#phase} phase, ` +
            `${this.#completed.toLocaleString('en-US')} replies counted in it; stall timeout ${limit} ms)`,
        ),
      );
      return;
    }
  }
}
