import type { LoadResult } from '@sockworks/loadgen';
import { redisAvailable, redisBenchmark, startRedis } from '../anchors/redis.ts';
import { type InterleavedSubject, measureInterleaved, measureLoad, withServer } from '../measure.ts';
import { sampleProcess } from '../proc.ts';
import type { ServerProcess } from '../server-process.ts';
import type { GeneratorSpec } from '../spec.ts';
import { tempSocketPath } from '../target.ts';
import { idleConnections, load, roundsFor, type Scenario, startApp } from './common.ts';

/**
 * redis-server as a subject of interleaved rounds: each round is one `redis-benchmark -t set,get` run
 * sized to last about `roundMs` at the rate of the previous round (redis-benchmark takes a request
 * count, not a duration). Its rate is the harmonic mean of SET and GET (an even mix, like ours).
 */
export function redisSubject(clients: number, window: number, roundMs: number): InterleavedSubject {
  let socket = '';
  let lastRate = 100_000;
  return {
    subject: 'anchor: redis-server SET+GET (unix socket)',
    async start(): Promise<ServerProcess> {
      const redis = await startRedis();
      socket = redis.socket;
      return { pid: redis.pid, sample: () => sampleProcess(redis.pid), stop: async () => redis.stop() };
    },
    async load(): Promise<LoadResult> {
      // Each of SET and GET runs n requests: together about one round at the last rate.
      const n = Math.max(20_000, Math.round((lastRate * roundMs) / 2000));
      const args = ['-s', socket, '-t', 'set,get', '-c', String(clients), '-n', String(n), '-r', '1000'];
      if (window > 1) args.push('-P', String(window));
      const rows = redisBenchmark(args);
      const set = rows.find((r) => r.test === 'SET');
      const get = rows.find((r) => r.test === 'GET');
      if (!set || !get) throw new Error('redis-benchmark printed no SET and GET rows');
      const perSecond = 2 / (1 / set.perSecond + 1 / get.perSecond);
      lastRate = perSecond;
      return {
        completed: 2 * n,
        elapsedMs: ((2 * n) / perSecond) * 1000,
        perSecond,
        latency: {
          count: 2 * n,
          meanMs: (set.meanMs + get.meanMs) / 2,
          p50Ms: Math.max(set.p50Ms, get.p50Ms),
          // redis-benchmark reports no p90 (nothing here shows one).
          p90Ms: Number.NaN,
          p99Ms: Math.max(set.p99Ms, get.p99Ms),
          maxMs: Math.max(set.maxMs, get.maxMs),
        },
        errors: 0,
      };
    },
  };
}

/** What each kv client sends, round and round: 64 keys per client, a store of each, then a retrieve of each. */
export function kvMessages(): string[] {
  const messages: string[] = [];
  for (let k = 0; k < 64; k++) {
    messages.push(JSON.stringify({ command: 'store', data: { key: `c{c}k${k}`, value: `value-${k}` } }));
    messages.push(JSON.stringify({ command: 'retrieve', data: { key: `c{c}k${k}` } }));
  }
  return messages;
}

function kvStoreRetrieve(id: string, clients: number, window: number, minRatio: number): Scenario {
  return {
    id,
    app: 'kv-unix-server',
    title: `store+retrieve, ${clients} clients${window > 1 ? ` x ${window} pipelined` : ', no pipelining'}`,
    target: `>= ${minRatio}x redis-server`,
    async run(s) {
      const path = tempSocketPath('kv');
      const messages = kvMessages();
      const start = () =>
        startApp('kv-unix-server', { KV_SOCKET_PATH: path, KV_MAX_CONNECTIONS: '20000' }, { path });
      const spec = (durationMs: number): GeneratorSpec => ({
        kind: 'lines',
        target: { path },
        connections: clients,
        window,
        durationMs,
        messages,
      });
      if (!redisAvailable()) {
        const ours = await withServer(start, (srv) =>
          measureLoad('kv-unix-server', srv, () => load(spec(s.seconds * 1000), id, s)),
        );
        return { measurements: [ours] };
      }
      // Against redis in interleaved rounds, like the Node-vs-Node comparisons: on a shared machine
      // a slow spell then hits both alike instead of whichever was measured during it.
      const rounds = roundsFor(s);
      const roundMs = (s.seconds * 1000) / rounds;
      const { measurements, ratio } = await measureInterleaved(rounds, [
        { subject: 'kv-unix-server', start, load: () => load(spec(roundMs), id, s) },
        redisSubject(clients, window, roundMs),
      ]);
      return { measurements, ratio, pass: ratio >= minRatio };
    },
  };
}

export const kv50x1 = kvStoreRetrieve('kv-50x1', 50, 1, 0.8);
export const kv4x64 = kvStoreRetrieve('kv-4x64', 4, 64, 0.3);

export const idleKv = idleConnections(
  'kv-unix-server',
  (t) => ({ KV_SOCKET_PATH: 'path' in t ? t.path : '', KV_MAX_CONNECTIONS: '20000' }),
  true,
);
