/** `tcp-client performance`: runs the load generator and prints msg/s and latency. */
import { type LoadOptions, type LoadProgress, type LoadResult, runLoad } from '../tools/load.js';
import type { Output } from './demo.js';

/** Where progress goes and whether it can redraw one line. */
export interface PerformanceIo {
  out: Output;
  progress: Output & { isTTY?: boolean };
  json: boolean;
}

/** Runs the load, with a live progress line, and prints the result (text or JSON). */
export async function runPerformance(options: LoadOptions, io: PerformanceIo): Promise<LoadResult> {
  const live = io.progress.isTTY === true;
  const onProgress = (p: LoadProgress): void => {
    const line = `[${p.phase} ${(p.elapsedMs / 1000).toFixed(1)}s] ${fmt(p.intervalRate)} msg/s, ${fmt(p.completed)} replies`;
    io.progress.write(live ? `\r\u001b[2K${line}` : `${line}\n`);
  };
  const result = await runLoad({ ...options, onProgress });
  if (live) io.progress.write('\n');
  if (io.json) {
    io.out.write(`${JSON.stringify(result)}\n`);
  } else {
    const l = result.latencyMs;
    io.out.write(
      `${result.type} x ${result.connections} connections x ${result.window} in flight, ` +
        `${result.messageSize} B content (${result.requestBytes} B frames), ${(result.durationMs / 1000).toFixed(1)} s\n` +
        `throughput: ${fmt(result.msgPerSec)} msg/s (${fmt(result.messages)} replies, ${result.errors} errors)\n` +
        `latency ms: p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  max ${l.max}  mean ${l.mean}\n`,
    );
  }
  return result;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
