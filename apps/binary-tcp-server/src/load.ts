/**
 * The load generator behind `tcp-client performance` and `runLoad()`: N connections, each keeping a
 * window of pipelined requests in flight for a fixed time. Built for throughput: the request frames
 * are encoded once, every chunk of replies is answered with one write of the same number of new
 * requests (a view of a pre-built buffer), and replies are counted by their length headers without
 * parsing their JSON (each is checked by its first bytes instead).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { encodeFrame, HEADER_BYTES } from './codec.js';
import { LatencyHistogram } from './histogram.js';

/** Request types the load generator can send. */
export type LoadMessageType = 'echo' | 'ping';

/** Defaults of {@link LoadOptions}. */
export const LOAD_DEFAULTS = {
  host: 'localhost',
  port: 9999,
  /** @default 4 */
  connections: 4,
  /** Requests in flight per connection. @default 64 */
  window: 64,
  /** Measured time. @default 10000 */
  durationMs: 10_000,
  /** Unmeasured time before it (JIT, TCP windows). @default 1000 */
  warmupMs: 1_000,
  /** Characters of echo content. @default 16 */
  messageSize: 16,
  /** @default 'echo' */
  type: 'echo' as LoadMessageType,
  /** @default 1000 */
  progressIntervalMs: 1_000,
} as const;

/** Options of {@link runLoad}. */
export interface LoadOptions {
  host?: string;
  port?: number;
  connections?: number;
  window?: number;
  durationMs?: number;
  warmupMs?: number;
  messageSize?: number;
  type?: LoadMessageType;
  progressIntervalMs?: number;
  /** Called every `progressIntervalMs` with the rate of the last interval. */
  onProgress?: (progress: LoadProgress) => void;
}

/** A progress report. */
export interface LoadProgress {
  phase: 'warmup' | 'measure';
  /** Time since the start of the phase. */
  elapsedMs: number;
  /** Replies counted in the phase so far. */
  messages: number;
  /** Replies per second over the last interval. */
  intervalRate: number;
}

/** The outcome of a run; rates are over the measured phase only. */
export interface LoadResult {
  type: LoadMessageType;
  connections: number;
  window: number;
  messageSize: number;
  /** Request frame size on the wire, header included. */
  requestBytes: number;
  durationMs: number;
  /** Replies received in the measured phase. */
  messages: number;
  msgPerSec: number;
  /** Replies that were error frames or not the expected type. */
  errors: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

/** Runs the load and resolves with the numbers; rejects if a connection fails. */
export async function runLoad(options: LoadOptions = {}): Promise<LoadResult> {
  const o = { ...LOAD_DEFAULTS, ...definedOnly(options) };
  for (const [name, min] of [
    ['connections', 1],
    ['window', 1],
    ['messageSize', 0],
    ['durationMs', 1],
    ['warmupMs', 0],
  ] as const) {
    const v = o[name];
    if (!Number.isSafeInteger(v) || v < min)
      throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
  }
  const request = buildRequest(o.type, o.messageSize);
  const expected = Buffer.from(o.type === 'echo' ? '{"type":"echo_response"' : '{"type":"pong"');
  const histogram = new LatencyHistogram();
  const run: RunState = { sending: true, measuring: false, counted: 0, errors: 0, histogram };

  const conns: LoadConnection[] = [];
  try {
    for (let i = 0; i < o.connections; i++) {
      conns.push(await LoadConnection.open(o.host, o.port, request, expected, o.window, run));
    }
  } catch (err) {
    for (const c of conns) c.destroy();
    throw err;
  }
  const failure = new Promise<never>((_, reject) => {
    for (const c of conns) c.onFailure = reject;
  });
  failure.catch(() => {});

  const phase = async (name: LoadProgress['phase'], ms: number): Promise<number> => {
    const start = performance.now();
    let lastCount = run.counted;
    let lastTime = start;
    const timer = setInterval(() => {
      const now = performance.now();
      const count = run.counted;
      options.onProgress?.({
        phase: name,
        elapsedMs: now - start,
        messages: count,
        intervalRate: ((count - lastCount) * 1000) / Math.max(1, now - lastTime),
      });
      lastCount = count;
      lastTime = now;
    }, o.progressIntervalMs);
    try {
      await Promise.race([new Promise((resolve) => setTimeout(resolve, ms)), failure]);
    } finally {
      clearInterval(timer);
    }
    return performance.now() - start;
  };

  try {
    for (const c of conns) c.start();
    if (o.warmupMs > 0) await phase('warmup', o.warmupMs);
    run.counted = 0;
    run.errors = 0;
    run.measuring = true;
    const elapsed = await phase('measure', o.durationMs);
    run.measuring = false;
    run.sending = false;
    const counted = run.counted;
    // Let the requests still in flight come back so the server is idle when we disconnect.
    await Promise.race([
      Promise.all(conns.map((c) => c.drained())),
      new Promise((resolve) => setTimeout(resolve, 2000)),
    ]);
    return {
      type: o.type,
      connections: o.connections,
      window: o.window,
      messageSize: o.messageSize,
      requestBytes: request.length,
      durationMs: Math.round(elapsed),
      messages: counted,
      msgPerSec: Math.round((counted * 1000) / elapsed),
      errors: run.errors,
      latencyMs: {
        p50: round3(histogram.percentile(50)),
        p90: round3(histogram.percentile(90)),
        p99: round3(histogram.percentile(99)),
        max: round3(histogram.max()),
        mean: round3(histogram.mean()),
      },
    };
  } finally {
    for (const c of conns) c.destroy();
  }
}

interface RunState {
  sending: boolean;
  measuring: boolean;
  counted: number;
  errors: number;
  histogram: LatencyHistogram;
}

/** One request frame: an echo with `size` characters of content, or a ping. */
function buildRequest(type: LoadMessageType, size: number): Buffer {
  if (type === 'ping')
    return encodeFrame(JSON.stringify({ type: 'ping', timestamp: new Date().toISOString() }));
  const content = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(size / 36) + 1).slice(0, size);
  return encodeFrame(JSON.stringify({ type: 'echo', content }));
}

class LoadConnection {
  onFailure: (err: Error) => void = () => {};
  readonly #socket: Socket;
  readonly #request: Buffer;
  /** `window` copies of the request: a prefix of it is the batch for any number of replies. */
  readonly #batch: Buffer;
  readonly #expected: Buffer;
  readonly #window: number;
  readonly #run: RunState;
  /** Send times of the requests in flight, a ring in FIFO order. */
  readonly #sentAt: Float64Array;
  #head = 0;
  #inFlight = 0;
  /** Reply parsing: header bytes seen of the current frame and body bytes still to skip. */
  readonly #header = Buffer.alloc(HEADER_BYTES);
  #headerFill = 0;
  #bodyLeft = 0;
  #drainWaiter: (() => void) | null = null;

  private constructor(socket: Socket, request: Buffer, expected: Buffer, window: number, run: RunState) {
    this.#socket = socket;
    this.#request = request;
    this.#batch = Buffer.concat(Array.from({ length: window }, () => request));
    this.#expected = expected;
    this.#window = window;
    this.#run = run;
    this.#sentAt = new Float64Array(window);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => this.onFailure(err));
    socket.on('close', () => {
      if (this.#run.sending) this.onFailure(new Error('server closed a load connection'));
    });
  }

  static open(
    host: string,
    port: number,
    request: Buffer,
    expected: Buffer,
    window: number,
    run: RunState,
  ): Promise<LoadConnection> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host, port, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new LoadConnection(socket, request, expected, window, run));
      });
    });
  }

  /** Fills the window. */
  start(): void {
    this.#send(this.#window, performance.now());
  }

  /** Resolves once no request is in flight. */
  drained(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drainWaiter = resolve;
    });
  }

  destroy(): void {
    this.#run.sending = false;
    this.#socket.destroy();
  }

  #send(n: number, now: number): void {
    const w = this.#window;
    let slot = (this.#head + this.#inFlight) % w;
    for (let i = 0; i < n; i++) {
      this.#sentAt[slot] = now;
      slot = slot + 1 === w ? 0 : slot + 1;
    }
    this.#inFlight += n;
    this.#socket.write(n === w ? this.#batch : this.#batch.subarray(0, n * this.#request.length));
  }

  #onData(chunk: Buffer): void {
    const now = performance.now();
    const n = chunk.length;
    let i = 0;
    let replies = 0;
    while (i < n) {
      if (this.#bodyLeft > 0) {
        const take = Math.min(this.#bodyLeft, n - i);
        this.#bodyLeft -= take;
        i += take;
        if (this.#bodyLeft === 0) replies++;
        continue;
      }
      let length: number;
      if (this.#headerFill === 0 && n - i >= HEADER_BYTES) {
        length = chunk.readUInt32BE(i);
        i += HEADER_BYTES;
      } else {
        while (this.#headerFill < HEADER_BYTES && i < n) this.#header[this.#headerFill++] = chunk[i++]!;
        if (this.#headerFill < HEADER_BYTES) break;
        this.#headerFill = 0;
        length = this.#header.readUInt32BE(0);
      }
      const expected = this.#expected;
      if (
        n - i >= expected.length &&
        chunk.compare(expected, 0, expected.length, i, i + expected.length) !== 0
      ) {
        this.#run.errors++;
      }
      if (n - i >= length) {
        i += length;
        replies++;
      } else {
        this.#bodyLeft = length - (n - i);
        i = n;
      }
    }
    if (replies === 0) return;
    const run = this.#run;
    const w = this.#window;
    const sentAt = this.#sentAt;
    if (run.measuring) {
      run.counted += replies;
      const histogram = run.histogram;
      let head = this.#head;
      for (let k = 0; k < replies; k++) {
        histogram.record(now - sentAt[head]!);
        head = head + 1 === w ? 0 : head + 1;
      }
    } else if (run.sending) {
      run.counted += replies;
    }
    this.#head = (this.#head + replies) % w;
    this.#inFlight -= replies;
    if (run.sending) this.#send(replies, now);
    else if (this.#inFlight === 0) this.#drainWaiter?.();
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
