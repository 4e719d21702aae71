import type { FanoutResult } from '@sockworks/loadgen';
import { type Measurement, withServer } from '../measure.ts';
import { runGenerator } from '../run-generator.ts';
import { freePort } from '../target.ts';
import { idleConnections, type Scenario, startApp } from './common.ts';

/** How a fan-out scenario loads the server: `rooms` 0 broadcasts to everyone. */
interface FanoutLoad {
  rooms: number;
  /** messages sent in a full run (a fifth of them in --quick) */
  messages: number;
  intervalMs: number;
  /** quiet time awaited after the joins, before the first message */
  settleMs: number;
}

/** A fan-out scenario: 1,000 receivers (300 in --quick), in `general` or spread over rooms. */
function fanoutScenario(
  id: string,
  title: string,
  { rooms, messages: full, intervalMs, settleMs }: FanoutLoad,
): Scenario {
  return {
    id,
    app: 'chat-rpc-server',
    title,
    target: 'p99 < 50 ms until all received',
    async run(s) {
      const receivers = s.quick ? 300 : 1000;
      const messages = s.quick ? full / 5 : full;
      const port = await freePort();
      const m = await withServer(
        () =>
          startApp(
            'chat-rpc-server',
            {
              CHAT_HOST: '127.0.0.1',
              CHAT_PORT: String(port),
              CHAT_MAX_CONNECTIONS: '20000',
              // The senders post every few ms: lift the per-client rate limit for the measurement.
              CHAT_RATE_BURST: '100000',
              CHAT_RATE_PER_SECOND: '100000',
            },
            { host: '127.0.0.1', port },
          ),
        async (srv) => {
          const before = srv.sample();
          const t0 = performance.now();
          const r = await runGenerator<FanoutResult>(
            {
              kind: 'chat-fanout',
              host: '127.0.0.1',
              port,
              receivers,
              rooms,
              messages,
              intervalMs,
              settleMs,
            },
            { onProgress: (n) => s.progress(id, n) },
          );
          const after = srv.sample();
          const where = rooms === 0 ? `${receivers} receivers` : `${receivers} receivers in ${rooms} rooms`;
          const measurement: Measurement = {
            subject: `chat-rpc-server (${where})`,
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
}

export const chatFanout = fanoutScenario(
  'chat-fanout',
  'broadcast fan-out: 1,000 joined clients, one sender',
  { rooms: 0, messages: 200, intervalMs: 20, settleMs: 0 },
);

// Each message reaches a tenth of the clients, so messages go twice as often as in chat-fanout,
// and there are more of them (50 per room) for the percentiles. The measurement starts once the
// joins' notices (about 500,000 "has joined" lines) have all arrived: it is about delivery in rooms,
// not about a join storm.
export const chatRoomFanout = fanoutScenario(
  'chat-room-fanout',
  'room fan-out: 1,000 clients in 10 rooms, one sender per room',
  { rooms: 10, messages: 500, intervalMs: 10, settleMs: 500 },
);

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
