import type { FanoutResult } from '@sockworks/loadgen';
import { type Measurement, withServer } from '../measure.ts';
import { runGenerator } from '../run-generator.ts';
import { freePort } from '../target.ts';
import { idleConnections, type Scenario, startApp } from './common.ts';

export const chatFanout: Scenario = {
  id: 'chat-fanout',
  app: 'chat-rpc-server',
  title: 'broadcast fan-out: 1,000 joined clients, one sender',
  target: 'p99 < 50 ms until all received',
  async run(s) {
    const receivers = s.quick ? 300 : 1000;
    const messages = s.quick ? 40 : 200;
    const port = await freePort();
    const m = await withServer(
      () =>
        startApp(
          'chat-rpc-server',
          {
            CHAT_HOST: '127.0.0.1',
            CHAT_PORT: String(port),
            CHAT_MAX_CONNECTIONS: '20000',
            // One sender at 50 msg/s: lift the per-client rate limit for the measurement.
            CHAT_RATE_BURST: '100000',
            CHAT_RATE_PER_SECOND: '100000',
          },
          { host: '127.0.0.1', port },
        ),
      async (srv) => {
        const before = srv.sample();
        const t0 = performance.now();
        const r = await runGenerator<FanoutResult>(
          { kind: 'chat-fanout', host: '127.0.0.1', port, receivers, messages, intervalMs: 20 },
          { onProgress: (n) => s.progress('chat fan-out', n) },
        );
        const after = srv.sample();
        const measurement: Measurement = {
          subject: `chat-rpc-server (${receivers} receivers)`,
          perSecond: r.deliveredPerSecond,
          p50Ms: r.allReceived.p50Ms,
          p99Ms: r.allReceived.p99Ms,
          maxMs: r.allReceived.maxMs,
          cpuPercent: ((after.cpuMs - before.cpuMs) / (performance.now() - t0)) * 100,
          peakRssMiB: after.peakRssBytes / (1 << 20),
          errors: r.errors + r.lost,
          note: `${r.messages} messages, deliveries/s; ${r.lost} not received by all`,
        };
        return measurement;
      },
    );
    return { measurements: [m], pass: (m.p99Ms ?? Infinity) < 50 && (m.errors ?? 0) === 0 };
  },
};

export const idleChat = idleConnections(
  'chat-rpc-server',
  (t) => ({
    CHAT_HOST: '127.0.0.1',
    CHAT_PORT: 'port' in t ? String(t.port) : '0',
    CHAT_MAX_CONNECTIONS: '20000',
    // Idle clients that never join would be dropped by the join timeout during a long hold.
    CHAT_JOIN_TIMEOUT: '600s',
  }),
  false,
);
