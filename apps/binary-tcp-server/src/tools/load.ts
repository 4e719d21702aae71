/**
 * The load generator behind `tcp-client performance` and `runLoad()`: N connections, each keeping a
 * window of pipelined requests in flight for a fixed time. Built for throughput: the request frames
 * are encoded once, every chunk of replies is answered with one write of the same number of new
 * requests (a view of a pre-built buffer), and replies are counted by their length headers without
 * parsing their JSON (each is checked by its first bytes instead).
 */
import { performance } from 'node:perf_hooks';
import { encodeFrame } from '../protocol/frame.js';
import { LatencyHistogram } from './histogram.js';
import { LoadConnection, type RunState } from './load-connection.js';

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

/** One request frame: an echo with `size` characters of content, or a ping. */
function buildRequest(type: LoadMessageType, size: number): Buffer {
  if (type === 'ping')
    return encodeFrame(JSON.stringify({ type: 'ping', timestamp: new Date().toISOString() }));
  const content = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(size / 36) + 1).slice(0, size);
  return encodeFrame(JSON.stringify({ type: 'echo', content }));
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
