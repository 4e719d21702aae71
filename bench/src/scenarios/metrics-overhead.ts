import type { LoadResult } from '@sockworks/loadgen';
import { measureInterleaved } from '../measure.ts';
import type { ServerProcess } from '../server-process.ts';
import type { GeneratorSpec } from '../spec.ts';
import { freePort, type Target, tempSocketPath } from '../target.ts';
import { load, type RunSettings, roundsFor, type Scenario, startApp, wsRoundSpec } from './common.ts';

// Issue 20: metrics must be cheap enough to leave on. Each app's main throughput load, in interleaved
// rounds against the same app with metrics off; with metrics on, /metrics is also scraped once a
// second during the load (Prometheus's default is every 15 s), so the cost of a scrape is in the number.

/** The smallest acceptable throughput with metrics on, as a fraction of metrics off. */
const MIN_RATIO = 0.9;

interface OverheadSetup {
  /** Starts the app with metrics on (`true`) or off. */
  start(on: boolean): Promise<ServerProcess>;
  /** Where /metrics is served while metrics are on. */
  metricsUrl: string;
  /** One round's load. */
  load(durationMs: number, label: string, s: RunSettings): Promise<LoadResult>;
}

function overhead(id: string, app: string, title: string, setup: () => Promise<OverheadSetup>): Scenario {
  return {
    id,
    app,
    title: `${title}: metrics on (scraped every 1 s) vs off`,
    target: `>= ${MIN_RATIO}x metrics off`,
    async run(s) {
      const o = await setup();
      const rounds = roundsFor(s);
      const roundMs = (s.seconds * 1000) / rounds;
      const { measurements, ratio } = await measureInterleaved(rounds, [
        {
          subject: `${app} (metrics on)`,
          start: () => o.start(true),
          load: () => whileScraping(o.metricsUrl, () => o.load(roundMs, `${id} (on)`, s)),
        },
        {
          subject: `${app} (metrics off)`,
          start: () => o.start(false),
          load: () => o.load(roundMs, `${id} (off)`, s),
        },
      ]);
      return { measurements, ratio, pass: ratio >= MIN_RATIO };
    },
  };
}

/** Runs `body` while GETting `url` once a second; a failed scrape fails the round. */
async function whileScraping<T>(url: string, body: () => Promise<T>): Promise<T> {
  let failure: unknown;
  const timer = setInterval(() => {
    fetch(url, { signal: AbortSignal.timeout(5000) })
      .then(async (res) => {
        await res.text();
        if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
      })
      .catch((err: unknown) => {
        failure ??= err;
      });
  }, 1000);
  try {
    const result = await body();
    if (failure !== undefined) throw failure;
    return result;
  } finally {
    clearInterval(timer);
  }
}

const lines =
  (target: Target, connections: number, window: number, messages: string[]) => (durationMs: number) =>
    ({ kind: 'lines', target, connections, window, durationMs, messages }) satisfies GeneratorSpec;

export const kvMetricsOverhead = overhead(
  'metrics-kv',
  'kv-unix-server',
  'store+retrieve, 4 clients x 64 pipelined',
  async () => {
    const path = tempSocketPath('kv');
    const metricsPort = await freePort();
    const messages: string[] = [];
    for (let k = 0; k < 64; k++) {
      messages.push(JSON.stringify({ command: 'store', data: { key: `c{c}k${k}`, value: `value-${k}` } }));
      messages.push(JSON.stringify({ command: 'retrieve', data: { key: `c{c}k${k}` } }));
    }
    const spec = lines({ path }, 4, 64, messages);
    return {
      start: (on) =>
        startApp(
          'kv-unix-server',
          { KV_SOCKET_PATH: path, ...(on ? { KV_METRICS_PORT: String(metricsPort) } : {}) },
          { path },
        ),
      metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      load: (ms, label, s) => load(spec(ms), label, s),
    };
  },
);

export const tcpMetricsOverhead = overhead(
  'metrics-tcp',
  'binary-tcp-server',
  'echo 16 B, 4 clients x 64 pipelined',
  async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    const spec = (durationMs: number): GeneratorSpec => ({
      kind: 'frames',
      target: { host: '127.0.0.1', port },
      connections: 4,
      window: 64,
      durationMs,
      messages: [JSON.stringify({ type: 'echo', content: 'x'.repeat(16) })],
    });
    return {
      start: (on) =>
        startApp(
          'binary-tcp-server',
          {
            TCP_HOST: '127.0.0.1',
            TCP_PORT: String(port),
            ...(on ? { TCP_METRICS_PORT: String(metricsPort) } : {}),
          },
          { host: '127.0.0.1', port },
        ),
      metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      load: (ms, label, s) => load(spec(ms), label, s),
    };
  },
);

export const chatMetricsOverhead = overhead(
  'metrics-chat',
  'chat-rpc-server',
  'ping, 4 clients x 64 pipelined',
  async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    const spec = lines({ host: '127.0.0.1', port }, 4, 64, [JSON.stringify({ method: 'ping' })]);
    return {
      start: (on) =>
        startApp(
          'chat-rpc-server',
          {
            CHAT_HOST: '127.0.0.1',
            CHAT_PORT: String(port),
            ...(on ? { CHAT_METRICS_PORT: String(metricsPort) } : {}),
          },
          { host: '127.0.0.1', port },
        ),
      metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      load: (ms, label, s) => load(spec(ms), label, s),
    };
  },
);

export const wsMetricsOverhead = overhead(
  'metrics-ws',
  'ws-jsonrpc-camera-skeleton',
  'JSON-RPC ping, 100 connections',
  async () => {
    const port = await freePort();
    const url = `ws://127.0.0.1:${port}/ws`;
    return {
      start: (on) =>
        startApp(
          'ws-jsonrpc-camera-skeleton',
          { WS_HOST: '127.0.0.1', WS_PORT: String(port), WS_METRICS: on ? 'true' : 'false' },
          { host: '127.0.0.1', port },
        ),
      metricsUrl: `http://127.0.0.1:${port}/metrics`,
      load: (_ms, label, s) =>
        load(wsRoundSpec(s, JSON.stringify({ jsonrpc: '2.0', method: 'ping', id: 1 }))(url), label, s),
    };
  },
);

export const httpMetricsOverhead = overhead(
  'metrics-http',
  'http-local-server',
  'GET /, Connection: close, 50 concurrent',
  async () => {
    const port = await freePort();
    return {
      start: (on) =>
        startApp(
          'http-local-server',
          {
            HTTP_SOCKET: 'tcp',
            HTTP_HOST: '127.0.0.1',
            HTTP_PORT: String(port),
            HTTP_METRICS: on ? 'true' : 'false',
          },
          { host: '127.0.0.1', port },
        ),
      metricsUrl: `http://127.0.0.1:${port}/metrics`,
      load: (ms, label, s) =>
        load(
          { kind: 'http-close', target: { host: '127.0.0.1', port }, concurrency: 50, durationMs: ms },
          label,
          s,
        ),
    };
  },
);
