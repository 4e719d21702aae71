import { LatencyHistogram, type LoadResult } from '@sockworks/loadgen';
import { WebSocket } from 'ws';
import type { GeneratorSpec } from '../spec.ts';

/** A connection whose WebSocket handshake takes longer than this fails (counted in `errors`). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * Windowed request/response load over WebSocket text messages (one reply per request, in order).
 * With `intervalMs` the load is paced instead: each connection sends one request, waits for its reply,
 * and sends the next `intervalMs` after the previous one was sent (connections staggered over the
 * interval), which measures latency at a known rate rather than queueing at saturation. With `warmupMs`
 * the load runs that long before counting and timing start, so the first JIT compilations of server and
 * generator (a few hundred milliseconds of slow replies) do not land in the percentiles.
 */
export async function runWsLoad(
  opts: Omit<Extract<GeneratorSpec, { kind: 'ws' }>, 'kind'> & { onProgress?(completed: number): void },
): Promise<LoadResult> {
  const paced = opts.intervalMs !== undefined && opts.intervalMs > 0;
  const window = paced ? 1 : opts.window;
  const latency = new LatencyHistogram();
  let completed = 0;
  let errors = 0;
  let running = true;
  const sockets: WebSocket[] = [];
  const opened: Promise<void>[] = [];
  for (let c = 0; c < opts.connections; c++) {
    const ws = new WebSocket(opts.url, { perMessageDeflate: false, handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
    sockets.push(ws);
    const sentAt = new Float64Array(window);
    let head = 0;
    let tail = 0;
    const send = () => {
      sentAt[tail] = performance.now();
      tail = (tail + 1) % window;
      ws.send(opts.message);
    };
    const interval = opts.intervalMs ?? 0;
    const sendPaced = () => {
      const wait = (sentAt[head] ?? 0) + interval - performance.now();
      if (wait <= 0) send();
      else setTimeout(() => running && send(), wait);
    };
    ws.on('error', () => {
      errors++;
    });
    opened.push(
      new Promise<void>((resolve) => {
        ws.once('open', () => resolve());
        ws.once('close', () => resolve());
      }),
    );
    ws.on('message', () => {
      latency.record(performance.now() - (sentAt[head] ?? 0));
      head = (head + 1) % window;
      completed++;
      if (!running) return;
      // Paced runs have window 1, so sentAt[head] is still the send time of the request just answered.
      if (paced) sendPaced();
      else send();
    });
    ws.once('open', () => {
      if (paced) setTimeout(() => running && send(), (c * interval) / opts.connections);
      else for (let i = 0; i < window; i++) send();
    });
  }
  await Promise.all(opened);
  if (opts.warmupMs !== undefined && opts.warmupMs > 0) {
    await new Promise((r) => setTimeout(r, opts.warmupMs));
    latency.reset();
  }
  const base = completed;
  const started = performance.now();
  const progress = setInterval(() => opts.onProgress?.(completed), 250);
  await new Promise((r) => setTimeout(r, opts.durationMs));
  running = false;
  const elapsedMs = performance.now() - started;
  const counted = completed - base;
  clearInterval(progress);
  for (const ws of sockets) ws.terminate();
  return {
    completed: counted,
    elapsedMs,
    perSecond: (counted * 1000) / elapsedMs,
    latency: latency.summary(),
    errors,
  };
}
