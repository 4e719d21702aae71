import { connect } from 'node:net';
import { LatencyRecorder, nowUs } from '../stats.ts';
import { connectOptions, type Target } from '../target.ts';
import type { LoadResult } from './windowed.ts';

/**
 * HTTP GET with `Connection: close`: each request opens a connection, sends the request and waits for
 * the server to close it. `concurrency` loops run at once.
 */
export async function runHttpCloseLoad(opts: {
  target: Target;
  concurrency: number;
  durationMs: number;
  onProgress?(completed: number): void;
}): Promise<LoadResult> {
  const latency = new LatencyRecorder();
  const request = Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  let completed = 0;
  let errors = 0;
  let running = true;
  const started = nowUs();

  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = nowUs();
      const socket = connect(connectOptions(opts.target));
      let ok = false;
      socket.on('connect', () => socket.end(request));
      socket.on('data', (chunk: Buffer) => {
        if (!ok && chunk.subarray(0, 12).toString('latin1') === 'HTTP/1.1 200') ok = true;
      });
      socket.on('error', () => {
        errors++;
      });
      socket.on('close', () => {
        if (ok) {
          completed++;
          latency.record(nowUs() - t0);
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
  const elapsedMs = (nowUs() - started) / 1000;
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
