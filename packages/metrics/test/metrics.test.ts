import { connect, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { connectionLogger, createLogger } from '@sockworks/logging';
import { NetService } from '@sockworks/service';
import {
  findTool,
  httpGet,
  jsonLines,
  promtoolCheckMetrics,
  registerCleanup,
  sampleValue,
  waitFor,
} from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import {
  createObservability,
  Health,
  observeService,
  RequestRecorder,
  ServiceMetrics,
  startMetricsServer,
} from '../src/index.js';

const PROMTOOL = findTool('promtool', 'prometheus');
const SET = { methods: ['echo', 'ping'], sentTypes: ['reply', 'error'], errorCodes: ['INVALID_INPUT'] };

/** A NetService that echoes bytes, observed by `metrics`. */
async function echoService(metrics: ServiceMetrics, { endOnShutdown = true } = {}) {
  const service = new NetService<{ shutdown(): void; destroy(): void; socket: Socket }>({
    observer: metrics,
    createConnection: (socket) => {
      socket.on('data', (chunk) => socket.write(chunk));
      // endOnShutdown false: a connection that drains slowly (it ends only when its client does).
      const shutdown = endOnShutdown ? () => socket.end() : () => {};
      return { socket, shutdown, destroy: () => socket.destroy() };
    },
  });
  registerCleanup(() => service.close({ timeoutMs: 0 }));
  const address = await service.listen({ host: '127.0.0.1', port: 0 });
  if (!('port' in address)) throw new Error('expected a TCP address');
  return { service, port: address.port };
}

function roundTrip(port: number, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.on('error', reject);
    socket.on('data', () => socket.end());
    socket.on('close', () => resolve());
  });
}

describe('ServiceMetrics', () => {
  it('counts connections and bytes through the NetService observer, and bounds label values', async () => {
    const metrics = new ServiceMetrics(SET);
    const { service, port } = await echoService(metrics);
    await roundTrip(port, 'hello');
    await roundTrip(port, 'world!');
    await service.waitForConnections(0);
    metrics.received('echo');
    metrics.received('user-chosen-name');
    metrics.observe('ping', 0.002, 'INVALID_INPUT');
    metrics.observe('ping', 0.002, 'SOMETHING_NEW');
    metrics.sent('reply', 3);
    const text = await metrics.metrics();
    expect(sampleValue(text, 'sockworks_connections_accepted_total')).toBe(2);
    expect(sampleValue(text, 'sockworks_connections_open')).toBe(0);
    expect(sampleValue(text, 'sockworks_connections_closed_total', { reason: 'normal' })).toBe(2);
    expect(sampleValue(text, 'sockworks_received_bytes_total')).toBe(11);
    expect(sampleValue(text, 'sockworks_sent_bytes_total')).toBe(11);
    expect(sampleValue(text, 'sockworks_messages_received_total', { method: 'echo' })).toBe(1);
    expect(sampleValue(text, 'sockworks_messages_received_total', { method: 'other' })).toBe(1);
    expect(text).not.toContain('user-chosen-name');
    expect(sampleValue(text, 'sockworks_errors_total', { code: 'INVALID_INPUT' })).toBe(1);
    expect(sampleValue(text, 'sockworks_errors_total', { code: 'other' })).toBe(1);
    expect(sampleValue(text, 'sockworks_request_duration_seconds_count', { method: 'ping' })).toBe(2);
    expect(sampleValue(text, 'sockworks_request_duration_seconds_sum', { method: 'ping' })).toBeCloseTo(
      0.004,
    );
    // Cumulative buckets: both 2 ms observations are above 1 ms and within 2.5 ms.
    expect(
      sampleValue(text, 'sockworks_request_duration_seconds_bucket', { le: '0.001', method: 'ping' }),
    ).toBe(0);
    expect(
      sampleValue(text, 'sockworks_request_duration_seconds_bucket', { le: '0.0025', method: 'ping' }),
    ).toBe(2);
    expect(
      sampleValue(text, 'sockworks_request_duration_seconds_bucket', { le: '+Inf', method: 'ping' }),
    ).toBe(2);
    expect(sampleValue(text, 'sockworks_messages_sent_total', { type: 'reply' })).toBe(3);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('counts refusals at the connection limit', async () => {
    const metrics = new ServiceMetrics(SET);
    const service = new NetService<{ shutdown(): void; destroy(): void }>({
      observer: metrics,
      maxConnections: 1,
      createConnection: (socket) => ({ shutdown: () => socket.end(), destroy: () => socket.destroy() }),
    });
    registerCleanup(() => service.close({ timeoutMs: 0 }));
    const address = await service.listen({ host: '127.0.0.1', port: 0 });
    const port = 'port' in address ? address.port : 0;
    const first = connect(port, '127.0.0.1');
    first.on('error', () => {});
    registerCleanup(() => first.destroy());
    await service.waitForConnections(1);
    await new Promise<void>((resolve) => {
      const second = connect(port, '127.0.0.1');
      second.on('error', () => {});
      second.on('close', () => resolve());
    });
    const text = await metrics.metrics();
    expect(sampleValue(text, 'sockworks_connections_refused_total', { reason: 'max_connections' })).toBe(1);
    expect(sampleValue(text, 'sockworks_connections_open')).toBe(1);
  });

  it.skipIf(PROMTOOL === undefined)('passes promtool check metrics', async () => {
    const metrics = new ServiceMetrics(SET);
    metrics.observe('echo', 0.001, 'ok');
    const report = await promtoolCheckMetrics(PROMTOOL as string, await metrics.metrics());
    expect(report.problems).toEqual([]);
  });
});

describe('metrics server and health', () => {
  it('serves /metrics, /livez, /readyz (503 while draining) and 404 elsewhere', async () => {
    const obs = createObservability({ metrics: SET });
    let service: Awaited<ReturnType<typeof echoService>>['service'] | undefined;
    const observed = await observeService(obs, { metricsPort: 0 }, async () => {
      service = (await echoService(obs.metrics as ServiceMetrics, { endOnShutdown: false })).service;
      return service;
    });
    if (service === undefined) throw new Error('not started');
    registerCleanup(() => observed.close({ timeoutMs: 0 }));
    const address = observed.metricsServer?.address;
    if (address === undefined || !('port' in address)) throw new Error('no metrics port');
    expect(address.host).toBe('127.0.0.1');
    const base = `http://127.0.0.1:${address.port}`;
    const metrics = await httpGet(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.contentType).toContain('text/plain');
    expect(metrics.body).toContain('sockworks_connections_open 0');
    expect((await httpGet(`${base}/livez`)).status).toBe(200);
    const ready = await httpGet(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ ready: true, checks: { listening: true, draining: false } });
    expect((await httpGet(`${base}/nope`)).status).toBe(404);

    // A client that stays connected keeps the drain going while readiness is asked.
    const held = connect(
      service.address && 'port' in service.address ? service.address.port : 0,
      '127.0.0.1',
    );
    held.on('error', () => {});
    registerCleanup(() => held.destroy());
    await service.waitForConnections(1);
    const closing = observed.close({ timeoutMs: 30_000 });
    const draining = await httpGet(`${base}/readyz`);
    expect(draining.status).toBe(503);
    expect(JSON.parse(draining.body).checks.draining).toBe(true);
    expect((await httpGet(`${base}/livez`)).status).toBe(200);
    held.destroy();
    await closing;
  });

  it('adds readiness checks, and a failing one makes /readyz 503', async () => {
    const health = new Health();
    health.setListening();
    let redisUp = true;
    health.addReadinessCheck('redis', () => redisUp);
    const server = await startMetricsServer({ port: 0, health });
    registerCleanup(() => server.close());
    const port = 'port' in server.address ? server.address.port : 0;
    expect((await httpGet(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    redisUp = false;
    const down = await httpGet(`http://127.0.0.1:${port}/readyz`);
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body).checks).toEqual({ listening: true, draining: false, redis: false });
    // Without metrics, /metrics is not served.
    expect((await httpGet(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
  });
});

describe('RequestRecorder', () => {
  it('logs one line per request with the fixed fields when on', async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    const logger = createLogger({ service: 'test', level: 'info', destination: out, pretty: false });
    const recorder = new RequestRecorder({ logRequests: true });
    const target = { logger: connectionLogger(logger, { conn: 7 }) };
    recorder.finish(recorder.start(), 'echo', 'ok', 'r1', target);
    recorder.finish(recorder.start(), 'ping', 'INVALID_INPUT', undefined, target);
    await waitFor(() => lines.join('').split('\n').length > 2, { what: 'two request log lines' });
    const [first, second] = jsonLines(lines.join(''));
    expect(first).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'echo',
      id: 'r1',
      code: 'ok',
      conn: 7,
    });
    expect(typeof first?.durationMs).toBe('number');
    expect(second).toMatchObject({
      msg: 'request',
      method: 'ping',
      id: null,
      code: 'INVALID_INPUT',
      conn: 7,
    });
  });

  it('records nothing and reads no clock when off', () => {
    const recorder = new RequestRecorder();
    expect(recorder.active).toBe(false);
    expect(recorder.start()).toBe(0);
  });
});
