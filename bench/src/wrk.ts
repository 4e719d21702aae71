import { execFileSync, spawnSync } from 'node:child_process';

/** True when wrk is on PATH. */
export function wrkAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v wrk']).status === 0;
}

/** Parses wrk's "1.23ms" / "456.00us" / "1.02s" latency notation into milliseconds. */
function ms(text: string | undefined): number {
  const m = /([\d.]+)(us|ms|s)/.exec(text ?? '');
  if (!m) return 0;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

/** Runs wrk against `url` (one thread) and returns requests/s and latency percentiles. */
export function wrkRun(
  url: string,
  opts: { connections: number; seconds: number; keepAlive: boolean },
): { perSecond: number; p50Ms: number; p99Ms: number; maxMs: number; errors: number } {
  const args = ['-t1', `-c${opts.connections}`, `-d${opts.seconds}s`, '--latency'];
  if (!opts.keepAlive) args.push('-H', 'Connection: close');
  const out = execFileSync('wrk', [...args, url], { encoding: 'utf8', timeout: (opts.seconds + 30) * 1000 });
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return {
    perSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p50Ms: ms(/^\s+50%\s+(\S+)/m.exec(out)?.[1]),
    p99Ms: ms(/^\s+99%\s+(\S+)/m.exec(out)?.[1]),
    maxMs: ms(/Latency\s+\S+\s+\S+\s+(\S+)/.exec(out)?.[1]),
    errors: (errors ? errors.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + Number(non2xx?.[1] ?? 0),
  };
}
