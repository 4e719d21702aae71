import type { LoadResult } from './generators/windowed.ts';
import type { ServerProcess } from './server-process.ts';

/** One subject's numbers in one scenario (our server, or an anchor). */
export interface Measurement {
  subject: string;
  /** requests (or deliveries) per second */
  perSecond: number;
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  /** server CPU during the run, percent of one core */
  cpuPercent?: number;
  /** server peak resident set size, MiB */
  peakRssMiB?: number;
  /** server RSS growth per open connection, KiB (connection scenarios) */
  rssPerConnKiB?: number;
  errors?: number;
  note?: string;
}

/** Runs a load against a started server and adds the server's CPU and memory to the numbers. */
export async function measureLoad(
  subject: string,
  server: ServerProcess,
  load: () => Promise<LoadResult>,
): Promise<Measurement> {
  const before = server.sample();
  const t0 = performance.now();
  const result = await load();
  const wallMs = performance.now() - t0;
  const after = server.sample();
  return {
    subject,
    perSecond: result.perSecond,
    p50Ms: result.latency.p50Ms,
    p99Ms: result.latency.p99Ms,
    maxMs: result.latency.maxMs,
    cpuPercent: wallMs > 0 ? ((after.cpuMs - before.cpuMs) / wallMs) * 100 : undefined,
    peakRssMiB: after.peakRssBytes / (1 << 20),
    errors: result.errors,
  };
}

/** Starts a server, runs `body` against it, and always stops it. */
export async function withServer<T>(
  start: () => Promise<ServerProcess>,
  body: (s: ServerProcess) => Promise<T>,
) {
  const server = await start();
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}
