import { redisAvailable, redisBenchmark, startRedis } from '../anchors/redis.ts';
import { measureLoad, withServer } from '../measure.ts';
import type { GeneratorSpec } from '../spec.ts';
import { freePort, type Target } from '../target.ts';
import { idleConnections, load, type Scenario, startAnchor, startApp } from './common.ts';

const echoFrame = (bytes: number) => JSON.stringify({ type: 'echo', content: 'x'.repeat(bytes) });

function tcpEcho(id: string, contentBytes: number, minPerSecond: number): Scenario {
  return {
    id,
    app: 'binary-tcp-server',
    title: `echo, ${contentBytes >= 1024 ? `${contentBytes / 1024} KiB` : `${contentBytes} B`} content, 4 conns x 64 in flight`,
    target: `>= ${minPerSecond / 1000}k msg/s`,
    async run(s) {
      const durationMs = s.seconds * 1000;
      const spec = (target: Target): GeneratorSpec => ({
        kind: 'frames',
        target,
        connections: 4,
        window: 64,
        durationMs,
        messages: [echoFrame(contentBytes)],
      });
      const port = await freePort();
      const ours = await withServer(
        () =>
          startApp(
            'binary-tcp-server',
            { TCP_HOST: '127.0.0.1', TCP_PORT: String(port) },
            { host: '127.0.0.1', port },
          ),
        (srv) => measureLoad('binary-tcp-server', srv, () => load(spec({ host: '127.0.0.1', port }), id, s)),
      );
      const aport = await freePort();
      const pipe = await withServer(
        () => startAnchor('anchors/echo-pipe.ts', aport),
        (srv) =>
          measureLoad('anchor: node socket.pipe(socket)', srv, () =>
            load(spec({ host: '127.0.0.1', port: aport }), `${id} (pipe)`, s),
          ),
      );
      const measurements = [ours, pipe];
      if (redisAvailable()) {
        const redis = await startRedis();
        try {
          const n = String(Math.max(50_000, Math.round(ours.perSecond * s.seconds)));
          const [row] = redisBenchmark([
            '-p',
            String(redis.port),
            '-t',
            'ping_mbulk',
            '-c',
            '4',
            '-P',
            '64',
            '-n',
            n,
          ]);
          if (row) measurements.push({ subject: 'anchor: redis-server PING (redis-benchmark)', ...row });
        } finally {
          redis.stop();
        }
      }
      return { measurements, ratio: ours.perSecond / pipe.perSecond, pass: ours.perSecond >= minPerSecond };
    },
  };
}

export const tcpEcho16b = tcpEcho('tcp-echo-16b', 16, 300_000);
export const tcpEcho8k = tcpEcho('tcp-echo-8k', 8192, 50_000);

export const idleBinaryTcp = idleConnections(
  'binary-tcp-server',
  (t) => ({
    TCP_HOST: '127.0.0.1',
    TCP_PORT: 'port' in t ? String(t.port) : '0',
    TCP_MAX_CONNECTIONS: '20000',
  }),
  false,
);
