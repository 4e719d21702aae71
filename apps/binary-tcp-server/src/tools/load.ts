/**
 * The load behind `tcp-client performance` and `runLoad()`: @sockworks/loadgen's windowed load with
 * this protocol's requests (echo or ping frames, encoded once) and replies (counted by their length
 * headers and checked by their first bytes, never parsed).
 */
import { type LoadProgress, lengthPrefixedReplies, runWindowedLoad } from '@sockworks/loadgen';
import { ConfigError, checkInt, withDefaults } from '@sockworks/service';
import { encodeFrame } from '../protocol/frame.js';

export type { LoadProgress } from '@sockworks/loadgen';

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
  /** A connection not established within this fails the run. @default 5000 */
  connectTimeoutMs: 5_000,
  /** A connection with requests in flight and no reply for this long fails the run; 0 = never. @default 10000 */
  stallTimeoutMs: 10_000,
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
  connectTimeoutMs?: number;
  stallTimeoutMs?: number;
  /** Called every `progressIntervalMs` with the rate of the last interval. */
  onProgress?: (progress: LoadProgress) => void;
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

/** First bytes of the reply each request type expects (anything else, e.g. an error frame, is an error). */
const EXPECTED_REPLY: Record<LoadMessageType, Buffer> = {
  echo: Buffer.from('{"type":"echo_response"'),
  ping: Buffer.from('{"type":"pong"'),
};

/**
 * Runs the load and resolves with the numbers. Rejects with a `ProtocolError`: INVALID_CONFIG for a
 * bad option, CONNECT_FAILED, CONNECTION_CLOSED, or REQUEST_TIMEOUT naming the connection that stalled.
 */
export async function runLoad(options: LoadOptions = {}): Promise<LoadResult> {
  const o = withDefaults(LOAD_DEFAULTS, options);
  checkInt('messageSize', o.messageSize, { min: 0 });
  if (!Object.hasOwn(EXPECTED_REPLY, o.type))
    throw new ConfigError(`type must be one of ${Object.keys(EXPECTED_REPLY).join(', ')}, got ${o.type}`);
  const request = buildRequest(o.type, o.messageSize);
  const expectPrefix = EXPECTED_REPLY[o.type];
  const requests = [request];
  const result = await runWindowedLoad({
    target: { host: o.host, port: o.port },
    connections: o.connections,
    window: o.window,
    durationMs: o.durationMs,
    warmupMs: o.warmupMs,
    progressIntervalMs: o.progressIntervalMs,
    connectTimeoutMs: o.connectTimeoutMs,
    stallTimeoutMs: o.stallTimeoutMs,
    requests: () => requests,
    replies: () => lengthPrefixedReplies({ expectPrefix }),
    onProgress: options.onProgress,
  });
  const l = result.latency;
  return {
    type: o.type,
    connections: o.connections,
    window: o.window,
    messageSize: o.messageSize,
    requestBytes: request.length,
    durationMs: Math.round(result.elapsedMs),
    messages: result.completed,
    msgPerSec: Math.round(result.perSecond),
    errors: result.errors,
    latencyMs: {
      p50: round3(l.p50Ms),
      p90: round3(l.p90Ms),
      p99: round3(l.p99Ms),
      max: round3(l.maxMs),
      mean: round3(l.meanMs),
    },
  };
}

/** One request frame: an echo with `size` characters of content, or a ping. */
function buildRequest(type: LoadMessageType, size: number): Buffer {
  if (type === 'ping')
    return encodeFrame(JSON.stringify({ type: 'ping', timestamp: new Date().toISOString() }));
  const content = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(size / 36) + 1).slice(0, size);
  return encodeFrame(JSON.stringify({ type: 'echo', content }));
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
