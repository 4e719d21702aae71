import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisAvailable, redisBenchmark, startRedis } from './anchors/redis.ts';
import type { FanoutResult } from './generators/chat-fanout.ts';
import type { LoadResult } from './generators/windowed.ts';
import { type Measurement, measureInterleaved, measureLoad, withServer } from './measure.ts';
import { SET_EXPOSURE_MESSAGE } from './peers/method.ts';
import { benchScript, runGenerator } from './run-generator.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';
import type { GeneratorSpec } from './spec.ts';
import { freePort, type Target, tempSocketPath } from './target.ts';
import { wrkAvailable, wrkRun } from './wrk.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Settings shared by every scenario of one run. */
export interface RunSettings {
  quick: boolean;
  /** seconds of load per measurement */
  seconds: number;
  progress(label: string, count: number): void;
}

/** A scenario's verdict against its target. */
export interface ScenarioResult {
  id: string;
  app: string;
  title: string;
  target: string;
  measurements: Measurement[];
  /** our throughput / the anchor's, where the target is a ratio */
  ratio?: number;
  pass?: boolean;
  error?: string;
}

export interface Scenario {
  id: string;
  app: string;
  title: string;
  target: string;
  run(settings: RunSettings): Promise<Omit<ScenarioResult, 'id' | 'app' | 'title' | 'target'>>;
}

// Servers log at warn during benchmarks: the specs' per-message info logging would measure the
// logger, not the server (each app README says how to turn message logging back on).
const QUIET = { LOG_LEVEL: 'warn', LOG_PRETTY: '0' };

/** Node flags an app's entry asks for in its shebang, so the bench runs it as its bin does. */
function shebangFlags(file: string): string[] {
  const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
  const m = /^#!\/usr\/bin\/env -S node((?: --[\w-]+(?:=\S+)?)+)\s*$/.exec(first);
  return m?.[1] ? m[1].trim().split(/\s+/) : [];
}

/** Starts one of our apps from its build output, in a temp working directory removed when it stops. */
async function startApp(app: string, env: Record<string, string>, ready: Target): Promise<ServerProcess> {
  const cwd = mkdtempSync(join(tmpdir(), `sw-bench-${app}-`));
  const removeCwd = (): void => rmSync(cwd, { recursive: true, force: true });
  const main = join(ROOT, 'apps', app, 'dist', 'main.js');
  let server: ServerProcess;
  try {
    server = await startServerProcess({
      args: [...shebangFlags(main), main],
      env: { ...QUIET, ...env },
      cwd,
      ready,
    });
  } catch (error) {
    removeCwd();
    throw error;
  }
  return {
    pid: server.pid,
    sample: () => server.sample(),
    stop: () => server.stop().finally(removeCwd),
  };
}

/** Starts one of the bench's anchor servers on a TCP port. */
async function startAnchor(file: string, port: number): Promise<ServerProcess> {
  return startServerProcess({
    args: [...benchScript(file), String(port)],
    ready: { host: '127.0.0.1', port },
  });
}

/** Starts one of the JSON-RPC peer servers (bench/src/peers), workspace packages from their build. */
async function startPeer(file: string, port: number): Promise<ServerProcess> {
  return startServerProcess({
    args: [...benchScript(file, { fromBuild: true }), String(port)],
    ready: { host: '127.0.0.1', port },
  });
}

/** Interleaved rounds per comparison: more in a full run, where each round still lasts 2 s. */
function roundsFor(s: RunSettings): number {
  return s.quick ? 2 : 5;
}

function load(spec: GeneratorSpec, label: string, s: RunSettings): Promise<LoadResult> {
  return runGenerator<LoadResult>(spec, { onProgress: (n) => s.progress(label, n) });
}

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

const wsPing: Scenario = {
  id: 'ws-ping',
  app: 'ws-jsonrpc-camera-skeleton',
  title: 'JSON-RPC ping, 100 connections: as fast as possible (1 in flight each), and paced for latency',
  target: '>= 0.9x bare ws echo, p99 < 5 ms at 100 conns',
  async run(s) {
    const message = JSON.stringify({ jsonrpc: '2.0', method: 'ping', id: 1 });
    // Every load below is one round: rounds of each subject, interleaved, so a slow spell of the
    // machine hits both alike.
    const rounds = roundsFor(s);
    const roundMs = (s.seconds * 1000) / rounds;
    const spec = (url: string, intervalMs?: number): GeneratorSpec & { kind: 'ws' } => ({
      kind: 'ws',
      url,
      connections: 100,
      window: 1,
      durationMs: roundMs,
      message,
      // Not counted: the first JIT compilations on both sides would otherwise set the tail percentiles.
      warmupMs: s.quick ? 500 : 1000,
      ...(intervalMs === undefined ? {} : { intervalMs }),
    });
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

/**
 * `@sockworks/jsonrpc` against two other JSON-RPC 2.0 libraries on the same `ws` server, the same
 * method (five named params in, an object of the same size out, the same checks) and the same load:
 * plain JSON-RPC 2.0 text frames from the ws generator. Three servers, interleaved rounds.
 */
const wsRpcPeers: Scenario = {
  id: 'ws-rpc-peers',
  app: '@sockworks/jsonrpc',
  title:
    'JSON-RPC call with params over ws, 100 connections: @sockworks/jsonrpc vs json-rpc-2.0 vs rpc-websockets',
  target: 'ahead of both peers: throughput (>= 1x each) and p99 (saturated and paced)',
  async run(s) {
    const rounds = roundsFor(s);
    const roundMs = (s.seconds * 1000) / rounds;
    const spec = (url: string, intervalMs?: number): GeneratorSpec & { kind: 'ws' } => ({
      kind: 'ws',
      url,
      connections: 100,
      window: 1,
      durationMs: roundMs,
      message: SET_EXPOSURE_MESSAGE,
      warmupMs: s.quick ? 500 : 1000,
      ...(intervalMs === undefined ? {} : { intervalMs }),
    });
    const peers = [
      { name: '@sockworks/jsonrpc', file: 'peers/sockworks-jsonrpc.ts', port: await freePort() },
      { name: 'json-rpc-2.0', file: 'peers/json-rpc-2-0.ts', port: await freePort() },
      { name: 'rpc-websockets', file: 'peers/rpc-websockets.ts', port: await freePort() },
    ];
    const subjects = (intervalMs?: number) =>
      peers.map((p) => {
        const label = intervalMs === undefined ? p.name : `${p.name} (paced: 100 x 1 per ${intervalMs} ms)`;
        return {
          subject: label,
          start: () => startPeer(p.file, p.port),
          load: () => load(spec(`ws://127.0.0.1:${p.port}/`, intervalMs), label, s),
        };
      });
    const saturated = await measureInterleaved(rounds, subjects());
    const paced = await measureInterleaved(rounds, subjects(10));
    const p99s = (ms: Measurement[]) => ms.map((m) => m.p99Ms ?? Number.POSITIVE_INFINITY);
    const [oursSat = Infinity, ...peersSat] = p99s(saturated.measurements);
    const [oursPaced = Infinity, ...peersPaced] = p99s(paced.measurements);
    // The ratio shown is against the closer peer.
    const ratio = Math.min(...saturated.ratios);
    return {
      measurements: [...saturated.measurements, ...paced.measurements],
      ratio,
      pass:
        saturated.ratios.every((r) => r >= 1) &&
        peersSat.every((p) => oursSat < p) &&
        peersPaced.every((p) => oursPaced < p),
    };
  },
};

const httpGet: Scenario = {
  id: 'http-get',
  app: 'http-local-server',
  title: 'GET /, Connection: close, 50 concurrent',
  target: '>= 0.9x bare node http',
  async run(s) {
    const port = await freePort();
    const aport = await freePort();
    const startOurs = () =>
      startApp(
        'http-local-server',
        {
          HTTP_SOCKET: 'tcp',
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: String(port),
          HTTP_MAX_CONNECTIONS: '20000',
        },
        { host: '127.0.0.1', port },
      );
    const startBare = () => startAnchor('anchors/http-bare.ts', aport);
    const rounds = roundsFor(s);
    const roundMs = (s.seconds * 1000) / rounds;
    const close = (p: number, label: string) => () =>
      load(
        { kind: 'http-close', target: { host: '127.0.0.1', port: p }, concurrency: 50, durationMs: roundMs },
        label,
        s,
      );
    // Our generator, interleaved rounds: the ratio the target is judged on.
    const main = await measureInterleaved(rounds, [
      { subject: 'http-local-server', start: startOurs, load: close(port, 'http') },
      { subject: 'anchor: bare node http', start: startBare, load: close(aport, 'http (bare)') },
    ]);
    // wrk, for reference (one run each): with and without keep-alive requested.
    const wrkRows: Measurement[] = [];
    if (wrkAvailable()) {
      for (const [subject, start, p] of [
        ['http-local-server', startOurs, port],
        ['anchor: bare node http', startBare, aport],
      ] as const) {
        await withServer(start, async (srv) => {
          for (const keepAlive of [false, true]) {
            const before = srv.sample();
            const t0 = performance.now();
            const w = wrkRun(`http://127.0.0.1:${p}/`, { connections: 50, seconds: s.seconds, keepAlive });
            const after = srv.sample();
            wrkRows.push({
              subject: `${subject} (wrk, ${keepAlive ? 'keep-alive requested' : 'Connection: close'})`,
              ...w,
              cpuPercent: ((after.cpuMs - before.cpuMs) / (performance.now() - t0)) * 100,
              peakRssMiB: after.peakRssBytes / (1 << 20),
            });
          }
        });
      }
    }
    const ratio = main.ratio;
    return { measurements: [...main.measurements, ...wrkRows], ratio, pass: ratio >= 0.9 };
  },
};

const chatFanout: Scenario = {
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

/**
 * Idle connections held by one app. Issue 9 sets <= 6 KB of server RSS per connection for the TCP,
 * chat and kv servers; for the WebSocket server the target is only that 10,000 are held (its RSS per
 * connection is still reported).
 */
function idleConnections(
  app: string,
  env: (t: Target) => Record<string, string>,
  unix: boolean,
  hello?: string,
  { memoryTarget = true }: { memoryTarget?: boolean } = {},
): Scenario {
  return {
    id: `idle-${app}`,
    app,
    title: 'idle connections held',
    target: memoryTarget ? '<= 6 KB server RSS per connection' : 'all held (RSS per connection reported)',
    async run(s) {
      const count = s.quick ? 2000 : 10_000;
      const target: Target = unix
        ? { path: tempSocketPath('idle') }
        : { host: '127.0.0.1', port: await freePort() };
      const m = await withServer(
        () => startApp(app, env(target), target),
        async (srv) => {
          // Let start-up allocation settle before the baseline.
          await new Promise((r) => setTimeout(r, 300));
          const base = srv.sample();
          let perConn = 0;
          let opened = 0;
          await runGenerator(
            { kind: 'idle', target, count, hello },
            {
              onConnected: async (open) => {
                opened = open;
                await new Promise((r) => setTimeout(r, 500));
                perConn = (srv.sample().rssBytes - base.rssBytes) / Math.max(1, open);
              },
            },
          );
          return {
            subject: `${app} (${opened} connections)`,
            perSecond: 0,
            rssPerConnKiB: perConn / 1024,
            peakRssMiB: srv.sample().peakRssBytes / (1 << 20),
            errors: count - opened,
          } satisfies Measurement;
        },
      );
      const memoryOk = !memoryTarget || (m.rssPerConnKiB ?? Infinity) <= 6000 / 1024;
      return { measurements: [m], pass: memoryOk && m.errors === 0 };
    },
  };
}

/** Every scenario, in the order they run. */
export const SCENARIOS: Scenario[] = [
  tcpEcho('tcp-echo-16b', 16, 300_000),
  tcpEcho('tcp-echo-8k', 8192, 50_000),
  kvStoreRetrieve('kv-50x1', 50, 1, 0.8),
  kvStoreRetrieve('kv-4x64', 4, 64, 0.3),
  wsPing,
  wsRpcPeers,
  httpGet,
  chatFanout,
  idleConnections(
    'binary-tcp-server',
    (t) => ({
      TCP_HOST: '127.0.0.1',
      TCP_PORT: 'port' in t ? String(t.port) : '0',
      TCP_MAX_CONNECTIONS: '20000',
    }),
    false,
  ),
  idleConnections(
    'chat-rpc-server',
    (t) => ({
      CHAT_HOST: '127.0.0.1',
      CHAT_PORT: 'port' in t ? String(t.port) : '0',
      CHAT_MAX_CONNECTIONS: '20000',
      // Idle clients that never join would be dropped by the join timeout during a long hold.
      CHAT_JOIN_TIMEOUT: '600s',
    }),
    false,
  ),
  idleConnections(
    'kv-unix-server',
    (t) => ({ KV_SOCKET_PATH: 'path' in t ? t.path : '', KV_MAX_CONNECTIONS: '20000' }),
    true,
  ),
  idleConnections(
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
  ),
];
