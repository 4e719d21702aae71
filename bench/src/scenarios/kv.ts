import { redisAvailable, redisBenchmark, startRedis } from '../anchors/redis.ts';
import { measureLoad, withServer } from '../measure.ts';
import { tempSocketPath } from '../target.ts';
import { idleConnections, load, type Scenario, startApp } from './common.ts';

function kvStoreRetrieve(id: string, clients: number, window: number, minRatio: number): Scenario {
  return {
    id,
    app: 'kv-unix-server',
    title: `store+retrieve, ${clients} clients${window > 1 ? ` x ${window} pipelined` : ', no pipelining'}`,
    target: `>= ${minRatio}x redis-server`,
    async run(s) {
      const path = tempSocketPath('kv');
      // 64 keys per client: a store of each, then a retrieve of each.
      const messages: string[] = [];
      for (let k = 0; k < 64; k++) {
        messages.push(JSON.stringify({ command: 'store', data: { key: `c{c}k${k}`, value: `value-${k}` } }));
        messages.push(JSON.stringify({ command: 'retrieve', data: { key: `c{c}k${k}` } }));
      }
      const ours = await withServer(
        () => startApp('kv-unix-server', { KV_SOCKET_PATH: path, KV_MAX_CONNECTIONS: '20000' }, { path }),
        (srv) =>
          measureLoad('kv-unix-server', srv, () =>
            load(
              {
                kind: 'lines',
                target: { path },
                connections: clients,
                window,
                durationMs: s.seconds * 1000,
                messages,
              },
              id,
              s,
            ),
          ),
      );
      const measurements = [ours];
      let ratio: number | undefined;
      if (redisAvailable()) {
        const redis = await startRedis();
        try {
          const n = String(Math.max(20_000, Math.round(ours.perSecond * s.seconds * 0.5)));
          const args = ['-s', redis.socket, '-t', 'set,get', '-c', String(clients), '-n', n, '-r', '1000'];
          if (window > 1) args.push('-P', String(window));
          const rows = redisBenchmark(args);
          const set = rows.find((r) => r.test === 'SET');
          const get = rows.find((r) => r.test === 'GET');
          if (set && get) {
            // An even mix of SET and GET: the harmonic mean of the two rates.
            const mixed = 2 / (1 / set.perSecond + 1 / get.perSecond);
            measurements.push({
              subject: 'anchor: redis-server SET+GET (unix socket)',
              perSecond: mixed,
              p50Ms: Math.max(set.p50Ms, get.p50Ms),
              p99Ms: Math.max(set.p99Ms, get.p99Ms),
              maxMs: Math.max(set.maxMs, get.maxMs),
            });
            ratio = ours.perSecond / mixed;
          }
        } finally {
          redis.stop();
        }
      }
      return {
        measurements,
        ratio,
        pass: ratio === undefined ? undefined : ratio >= minRatio,
      };
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
