import { connect } from 'node:net';
import { connectOptions, LatencyHistogram, type LoadResult } from '@sockworks/loadgen';
import type { Target } from '../target.ts';

/** A request with no complete response within this long is destroyed and counted as an error. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * HTTP GET with `Connection: close`: each request opens a connection, sends the request and waits for
 * the server to close it. `concurrency` loops run at once. A request that fails (refused, reset, not
 * `200`, or no close within 10 s) counts once in `errors`.
 */
export async function runHttpCloseLoad(opts: {
  target: Target;
  concurrency: number;
  durationMs: number;
  onProgress?(completed: number): void;
}): Promise<LoadResult> {
  const latency = new LatencyHistogram();
  const request = Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  let completed = 0;
  let errors = 0;
  let running = true;
  const started = performance.now();

  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const socket = connect(connectOptions(opts.target));
      let ok = false;
      let timedOut = false;
      socket.setTimeout(REQUEST_TIMEOUT_MS, () => {
        timedOut = true;
        socket.destroy();
      });
      socket.on('connect', () => socket.end(request));
      socket.on('data', (chunk: Buffer) => {
        if (!ok && chunk.subarray(0, 12).toString('latin1') === 'HTTP/1.1 200') ok = true;
      });
      // Counted on close, which follows every error.
      socket.on('error', () => {});
      socket.on('close', (hadError) => {
        if (ok && !hadError && !timedOut) {
          completed++;
          latency.record(performance.now() - t0);
        } else {
          errors++;
        }
        resolve();
      });
    });

  const loops = Array.from({ length: opts.concurrency }, async () => {
    while (running) await one();
  });
  const progress = setInterval(() => opts.onProgress?.(completed), 250);
  await new Promise((r) => setTimeout(r, opts.durationMs));
  running = false;
  const elapsedMs = performance.now() - started;
  const counted = completed;
  await Promise.all(loops);
  clearInterval(progress);
  return {
    completed: counted,
    elapsedMs,
    perSecond: (counted * 1000) / elapsedMs,
    latency: latency.summary(),
    errors,
  };
}
