import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { freePort, tempSocketPath } from '../target.ts';

/** True when redis-server and redis-benchmark are on PATH. */
export function redisAvailable(): boolean {
  const which = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  return which('redis-server') && which('redis-benchmark');
}

/** One redis-benchmark test's numbers. */
export interface RedisResult {
  test: string;
  perSecond: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Starts a throwaway redis-server (no persistence) on a free port and a Unix socket. */
export async function startRedis(): Promise<{ port: number; socket: string; pid: number; stop(): void }> {
  const port = await freePort();
  const socket = tempSocketPath('redis');
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--unixsocket',
      socket,
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  while (!existsSync(socket)) {
    if (Date.now() > deadline) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    port,
    socket,
    pid: child.pid ?? 0,
    stop() {
      child.kill('SIGTERM');
      rmSync(socket, { force: true });
    },
  };
}

/** Runs redis-benchmark and parses its CSV output (one row per test). */
export function redisBenchmark(args: string[]): RedisResult[] {
  const out = execFileSync('redis-benchmark', [...args, '--csv'], { encoding: 'utf8', timeout: 120_000 });
  const rows: RedisResult[] = [];
  for (const line of out.trim().split('\n').slice(1)) {
    const cells = line.split(',').map((c) => c.replaceAll('"', ''));
    const [test, rps, mean, , p50, , p99, max] = cells;
    rows.push({
      test: test ?? '',
      perSecond: Number(rps),
      meanMs: Number(mean),
      p50Ms: Number(p50),
      p99Ms: Number(p99),
      maxMs: Number(max),
    });
  }
  return rows;
}
