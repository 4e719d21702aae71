/**
 * Real `redis-server` processes for tests (Debian's package; `.ci/run` installs it): one server on a
 * free port and a Unix socket, or a cluster of masters. Each dies with its test like any tracked
 * process; `stop()`/`start()` take a server away and bring it back on the same port, for fault tests.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { runTracked, spawnTracked, type TrackedProcess } from './spawn.js';
import { tempDir } from './temp.js';
import { DEADLINES, scaled } from './timeouts.js';
import { waitFor } from './wait.js';

/** True when `redis-server` and `redis-cli` run here. */
export function hasRedis(): boolean {
  const ok = (cmd: string): boolean => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
  return ok('redis-server') && ok('redis-cli');
}

/**
 * Throws when Redis is missing and SOCKWORKS_REQUIRE_TOOLS=1 (CI); else tells the caller to skip.
 * Use as `describe.skipIf(!redisAvailable())`.
 */
export function redisAvailable(): boolean {
  if (hasRedis()) return true;
  if (process.env.SOCKWORKS_REQUIRE_TOOLS === '1') {
    throw new Error(
      'redis-server is required (SOCKWORKS_REQUIRE_TOOLS=1) but not installed: apt-get install -y redis-server',
    );
  }
  return false;
}

/** One running (or stopped) test Redis. */
export interface TestRedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** `unix://<path>` (the server also listens there) */
  readonly unixUrl: string;
  /** The current process (a new one after start()). */
  readonly process: TrackedProcess;
  /** Kills the server with SIGKILL and waits for it to exit (clients see the connection drop). */
  stop(): Promise<void>;
  /** Starts it again on the same port and socket (no data kept) and waits until it answers. */
  start(): Promise<void>;
  /** Runs `redis-cli` against it and returns stdout. */
  cli(...args: string[]): Promise<string>;
}

const BASE_ARGS = ['--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--protected-mode', 'no'];

async function spawnRedis(args: string[], label: string): Promise<TrackedProcess> {
  const child = spawnTracked('redis-server', [...BASE_ARGS, ...args], { label });
  await child.waitForOutput(/Ready to accept connections/, { timeoutMs: scaled(DEADLINES.process) });
  return child;
}

async function redisCli(port: number, args: readonly string[]): Promise<string> {
  const result = await runTracked('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
  if (result.code !== 0)
    throw new Error(`redis-cli ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** Starts a standalone redis-server on a free port and a Unix socket in a temp dir. */
export async function startRedisServer(extraArgs: readonly string[] = []): Promise<TestRedisServer> {
  const dir = tempDir('sw-redis-');
  const port = await freePort();
  const socket = join(dir, 'redis.sock');
  const args = [
    '--port',
    String(port),
    '--unixsocket',
    socket,
    '--unixsocketperm',
    '700',
    '--dir',
    dir,
    ...extraArgs,
  ];
  let child = await spawnRedis(args, `redis-server :${port}`);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    unixUrl: `unix://${socket}`,
    get process() {
      return child;
    },
    async stop() {
      child.kill();
      await child.waitForExit();
    },
    async start() {
      child = await spawnRedis(args, `redis-server :${port}`);
    },
    cli: (...cliArgs: string[]) => redisCli(port, cliArgs),
  };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await portFree(port)) && (await portFree(port + 10_000))) {
      taken.add(port);
      taken.add(port + 10_000);
      return port;
    }
  }
  throw new Error('no free port pair for a Redis Cluster node after 200 tries');
}

/** A running test Redis Cluster. */
export interface TestRedisCluster {
  readonly ports: readonly number[];
  /** Seed URL (the first master). */
  readonly url: string;
  readonly processes: readonly TrackedProcess[];
}

/** Starts `masters` cluster-enabled servers, joins them (no replicas) and waits for cluster_state:ok. */
export async function startRedisCluster(masters = 3): Promise<TestRedisCluster> {
  const dir = tempDir('sw-rcluster-');
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < masters; i++) ports.push(await clusterPort(taken));
  const processes = await Promise.all(
    ports.map((port) =>
      spawnRedis(
        [
          '--port',
          String(port),
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout',
          '5000',
          '--dir',
          dir,
        ],
        `redis-server cluster :${port}`,
      ),
    ),
  );
  const nodes = ports.map((port) => `127.0.0.1:${port}`);
  await redisCli(ports[0] as number, [
    '--cluster',
    'create',
    ...nodes,
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ]);
  await waitFor(
    async () => {
      const states = await Promise.all(ports.map((port) => redisCli(port, ['cluster', 'info'])));
      return states.every((info) => info.includes('cluster_state:ok'));
    },
    {
      what: `the ${masters}-master Redis Cluster to report cluster_state:ok`,
      timeoutMs: scaled(DEADLINES.process),
      intervalMs: 100,
    },
  );
  return { ports, url: `redis://127.0.0.1:${ports[0]}`, processes };
}
