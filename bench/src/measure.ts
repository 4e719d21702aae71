import type { LoadResult } from '@sockworks/loadgen';
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

/** One subject of an interleaved comparison: a server and the load to drive it with. */
export interface InterleavedSubject {
  subject: string;
  start(): Promise<ServerProcess>;
  load(round: number): Promise<LoadResult>;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** "; p99 1.2, 3.4 ms": each round's p99, so a round that met a stall can be told from the rest. */
function roundP99s(rounds: Measurement[]): string {
  const p99s = rounds.map((m) => m.p99Ms);
  if (p99s.length < 2 || p99s.some((v) => v === undefined)) return '';
  return `; p99 ${p99s.map((v) => (v as number).toFixed(2)).join(', ')} ms`;
}

/**
 * Compares subjects fairly on a noisy machine: starts them all, then measures them in turn, round
 * after round (A B, B A, A B, ...), so a slow spell hits every subject alike and neither always goes
 * first. Each subject's numbers are the medians of its rounds (max latency the largest, CPU the mean);
 * `ratio` is the median of the per-round ratios of the first subject to the second, and `ratios[i - 1]`
 * the same for the first subject to subject i (with more than two subjects).
 */
export async function measureInterleaved(
  rounds: number,
  subjects: InterleavedSubject[],
): Promise<{ measurements: Measurement[]; ratio: number; ratios: number[] }> {
  const servers: ServerProcess[] = [];
  try {
    for (const s of subjects) servers.push(await s.start());
    const perRound: Measurement[][] = subjects.map(() => []);
    for (let round = 0; round < rounds; round++) {
      // A B, B A, A B, ...: whichever goes first in a round fares measurably worse on this VM (the
      // paced p99 of the same two servers swapped sides when their order did), so the order alternates.
      const order = [...subjects.keys()];
      if (round % 2 === 1) order.reverse();
      for (const i of order) {
        const s = subjects[i] as InterleavedSubject;
        const server = servers[i] as ServerProcess;
        perRound[i]?.push(await measureLoad(s.subject, server, () => s.load(round)));
      }
    }
    const measurements = subjects.map((s, i): Measurement => {
      const all = perRound[i] ?? [];
      const pick = (f: (m: Measurement) => number | undefined) =>
        all.map(f).filter((v): v is number => v !== undefined);
      const rates = pick((m) => m.perSecond);
      const cpu = pick((m) => m.cpuPercent);
      return {
        subject: s.subject,
        perSecond: median(rates),
        p50Ms: median(pick((m) => m.p50Ms)),
        p99Ms: median(pick((m) => m.p99Ms)),
        maxMs: Math.max(...pick((m) => m.maxMs)),
        cpuPercent: cpu.length > 0 ? cpu.reduce((a, b) => a + b, 0) / cpu.length : undefined,
        peakRssMiB: Math.max(...pick((m) => m.peakRssMiB)),
        errors: pick((m) => m.errors).reduce((a, b) => a + b, 0),
        note: `median of ${rounds} interleaved rounds: ${rates.map((r) => Math.round(r)).join(', ')}/s${roundP99s(all)}`,
      };
    });
    const ratioTo = (other: number): number =>
      median(
        (perRound[0] ?? [])
          .map((m, r) => m.perSecond / (perRound[other]?.[r]?.perSecond ?? Number.NaN))
          .filter((x) => Number.isFinite(x)),
      );
    const ratios = subjects.slice(1).map((_s, i) => ratioTo(i + 1));
    return { measurements, ratio: ratios[0] ?? Number.NaN, ratios };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}
