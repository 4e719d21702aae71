import { measureInterleaved } from '../measure.ts';
import { freePort } from '../target.ts';
import {
  idleConnections,
  load,
  roundsFor,
  type Scenario,
  startAnchor,
  startApp,
  wsRoundSpec,
} from './common.ts';

export const wsPing: Scenario = {
  id: 'ws-ping',
  app: 'ws-jsonrpc-camera-skeleton',
  title: 'JSON-RPC ping, 100 connections: as fast as possible (1 in flight each), and paced for latency',
  target: '>= 0.9x bare ws echo, p99 < 5 ms at 100 conns',
  async run(s) {
    const message = JSON.stringify({ jsonrpc: '2.0', method: 'ping', id: 1 });
    // Every load below is one round: rounds of each subject, interleaved, so a slow spell of the
    // machine hits both alike.
    const rounds = roundsFor(s);
    const spec = wsRoundSpec(s, message);
    const port = await freePort();
    const aport = await freePort();
    const oursUrl = `ws://127.0.0.1:${port}/ws`;
    const bareUrl = `ws://127.0.0.1:${aport}`;
    const startOurs = () =>
      startApp(
        'ws-jsonrpc-camera-skeleton',
        { WS_HOST: '127.0.0.1', WS_PORT: String(port), WS_MAX_CONNECTIONS: '20000' },
        { host: '127.0.0.1', port },
      );
    const startBare = () => startAnchor('anchors/ws-echo.ts', aport);
    // Throughput: as fast as replies come.
    const saturated = await measureInterleaved(rounds, [
      {
        subject: 'ws-jsonrpc-camera-skeleton',
        start: startOurs,
        load: () => load(spec(oursUrl), 'ws', s),
      },
      {
        subject: 'anchor: bare ws echo',
        start: startBare,
        load: () => load(spec(bareUrl), 'ws (bare)', s),
      },
    ]);
    // Paced: every connection pings every 10 ms (10,000 pings/s in all, well under saturation), so
    // the percentiles are response times, not the queueing a saturating load adds to any server. In
    // interleaved rounds too, p99 the median of the rounds': a stall of the shared machine (a few
    // hundred milliseconds of slow replies now and then on this VM) then spoils one round, not the
    // whole figure of whichever server it happened to hit.
    const PACED_MS = 10;
    const paced = await measureInterleaved(rounds, [
      {
        subject: `ws-jsonrpc-camera-skeleton (paced: 100 x 1 per ${PACED_MS} ms)`,
        start: startOurs,
        load: () => load(spec(oursUrl, PACED_MS), 'ws paced', s),
      },
      {
        subject: `anchor: bare ws echo (paced: 100 x 1 per ${PACED_MS} ms)`,
        start: startBare,
        load: () => load(spec(bareUrl, PACED_MS), 'ws (bare) paced', s),
      },
    ]);
    const oursPaced = paced.measurements[0];
    const ratio = saturated.ratio;
    return {
      measurements: [...saturated.measurements, ...paced.measurements],
      ratio,
      pass: ratio >= 0.9 && (oursPaced?.p99Ms ?? Infinity) < 5,
    };
  },
};

export const idleWs = idleConnections(
  'ws-jsonrpc-camera-skeleton',
  (t) => ({
    WS_HOST: '127.0.0.1',
    WS_PORT: 'port' in t ? String(t.port) : '0',
    WS_MAX_CONNECTIONS: '20000',
  }),
  false,
  // A real WebSocket upgrade, so the server holds upgraded connections, not pending HTTP requests.
  'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  { memoryTarget: false },
);
