import type { LoadResult } from '@sockworks/loadgen';
import { redisAvailable, startRedis } from '../anchors/redis.ts';
import { type InterleavedSubject, measureInterleaved } from '../measure.ts';
import type { GeneratorSpec } from '../spec.ts';
import { tempSocketPath } from '../target.ts';
import { load, type RunSettings, roundsFor, type Scenario, startApp } from './common.ts';
import { kvMessages, redisSubject } from './kv.ts';

/** kv-unix-server under the kv-50x1 load, its store in process or (with `redisUrl`) in Redis. */
function kvSubject(
  subject: string,
  id: string,
  s: RunSettings,
  clients: number,
  roundMs: number,
  withRedis: boolean,
): InterleavedSubject {
  const path = tempSocketPath('kv');
  const spec: GeneratorSpec = {
    kind: 'lines',
    target: { path },
    connections: clients,
    window: 1,
    durationMs: roundMs,
    messages: kvMessages(),
  };
  return {
    subject,
    async start() {
      const env = { KV_SOCKET_PATH: path, KV_MAX_CONNECTIONS: '20000' };
      if (!withRedis) return startApp('kv-unix-server', env, { path });
      // Redis on a Unix socket next to kv, as the anchor runs; kv's CPU is sampled, Redis's is not.
      const redis = await startRedis();
      try {
        const app = await startApp(
          'kv-unix-server',
          { ...env, KV_REDIS_URL: `unix://${redis.socket}` },
          { path },
        );
        return { ...app, stop: () => app.stop().finally(() => redis.stop()) };
      } catch (error) {
        redis.stop();
        throw error;
      }
    },
    load: (): Promise<LoadResult> => load(spec, id, s),
  };
}

/**
 * kv with `--redis-url` against kv in process and plain redis-server, in interleaved rounds: what
 * sharing the keyspace through Redis costs. 50 clients, one request in flight each (kv-50x1's load).
 */
export const kvRedis50x1: Scenario = {
  id: 'kv-redis-50x1',
  app: 'kv-unix-server',
  title: 'store+retrieve on Redis (--redis-url), 50 clients, no pipelining',
  // A regression guard set from the first runs (0.25x-0.28x on a loaded host, rounds 0.10x-0.46x), not a spec figure.
  target: '>= 0.2x kv in process',
  async run(s) {
    if (!redisAvailable()) return { measurements: [], error: 'redis-server / redis-benchmark not installed' };
    const clients = 50;
    const rounds = roundsFor(s);
    const roundMs = (s.seconds * 1000) / rounds;
    const { measurements, ratio } = await measureInterleaved(rounds, [
      kvSubject('kv-unix-server on Redis (unix socket)', 'kv-redis-50x1', s, clients, roundMs, true),
      kvSubject('kv-unix-server in process', 'kv-redis-50x1', s, clients, roundMs, false),
      redisSubject(clients, 1, roundMs),
    ]);
    return { measurements, ratio, pass: ratio >= 0.2 };
  },
};
