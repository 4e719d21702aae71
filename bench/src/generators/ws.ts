import { WebSocket } from 'ws';
import { LatencyRecorder, nowUs } from '../stats.ts';
import type { LoadResult } from './windowed.ts';

/** Windowed request/response load over WebSocket text messages (one reply per request, in order). */
export async function runWsLoad(opts: {
  url: string;
  connections: number;
  window: number;
  durationMs: number;
  message: string;
  onProgress?(completed: number): void;
}): Promise<LoadResult> {
  const latency = new LatencyRecorder();
  let completed = 0;
  let errors = 0;
  let running = true;
  const sockets: WebSocket[] = [];
  const opened: Promise<void>[] = [];
  for (let c = 0; c < opts.connections; c++) {
    const ws = new WebSocket(opts.url, { perMessageDeflate: false });
    sockets.push(ws);
    const sentAt = new Float64Array(opts.window);
    let head = 0;
    let tail = 0;
    const send = () => {
      sentAt[tail] = nowUs();
      tail = (tail + 1) % opts.window;
      ws.send(opts.message);
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
      latency.record(nowUs() - (sentAt[head] ?? 0));
      head = (head + 1) % opts.window;
      completed++;
      if (running) send();
    });
    ws.once('open', () => {
      for (let i = 0; i < opts.window; i++) send();
    });
  }
  await Promise.all(opened);
  const base = completed;
  const started = nowUs();
  const progress = setInterval(() => opts.onProgress?.(completed), 250);
  await new Promise((r) => setTimeout(r, opts.durationMs));
  running = false;
  const elapsedMs = (nowUs() - started) / 1000;
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
