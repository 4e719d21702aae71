import { PassThrough } from 'node:stream';
import { createLogger } from '@sockworks/logging';
import { findTool, httpGet, jsonLines, promtoolCheckMetrics, sampleValue } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { createHttpObservability } from '../src/index.js';
import { rawExchange, startServer, waitFor } from './helpers.js';

const PROMTOOL = findTool('promtool', 'prometheus');

describe('metrics, health and request logs', () => {
  it('serves /metrics, /livez, /readyz; counts requests by method and error status; logs one line per request', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const logger = createLogger({ service: 't', level: 'info', pretty: false, destination: out, env: {} });
    const observability = createHttpObservability({ metrics: true, logRequests: true });
    const { address, connectTo } = await startServer('tcp', { logger, observability });
    if (address.kind !== 'tcp') throw new Error('expected TCP');
    const base = `http://127.0.0.1:${address.port}`;

    expect((await httpGet(`${base}/anything`)).body).toBe('running');
    expect((await httpGet(`${base}/`)).status).toBe(200);
    expect(await rawExchange(connectTo, 'DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(
      /^HTTP\/1.1 405/,
    );
    expect(
      await rawExchange(connectTo, 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n'),
    ).toMatch(/^HTTP\/1.1 400/);
    expect(await rawExchange(connectTo, 'BREW / HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1.1 400/);

    const metrics = await httpGet(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    const body = metrics.body;
    expect(sampleValue(body, 'sockworks_messages_received_total', { method: 'GET' })).toBe(3);
    expect(sampleValue(body, 'sockworks_messages_received_total', { method: 'DELETE' })).toBe(1);
    expect(sampleValue(body, 'sockworks_errors_total', { code: '405' })).toBe(1);
    // One 400 from the RFC checks, one from Node's parser (the unknown method).
    expect(sampleValue(body, 'sockworks_errors_total', { code: '400' })).toBe(2);
    expect(sampleValue(body, 'sockworks_messages_sent_total', { type: 'response' })).toBe(4);
    expect(sampleValue(body, 'sockworks_connections_accepted_total')).toBeGreaterThanOrEqual(4);
    expect(sampleValue(body, 'sockworks_request_duration_seconds_count', { method: 'GET' })).toBe(3);
    if (PROMTOOL !== undefined) {
      expect((await promtoolCheckMetrics(PROMTOOL, body)).problems).toEqual([]);
    }
    expect((await httpGet(`${base}/livez`)).body).toBe('ok\n');
    expect((await httpGet(`${base}/readyz`)).status).toBe(200);

    await waitFor(
      () => jsonLines(text).filter((l) => l.msg === 'request').length === 4,
      'four request lines',
    );
    const requests = jsonLines(text).filter((l) => l.msg === 'request');
    expect(requests[0]).toMatchObject({ level: 'info', method: 'GET', id: null, code: 'ok' });
    expect(requests[2]).toMatchObject({ method: 'DELETE', code: '405' });
    for (const line of requests) {
      expect(typeof line.conn).toBe('number');
      expect(typeof line.durationMs).toBe('number');
    }
  });

  it('with metrics off /metrics is an ordinary path; readiness fails once close starts', async () => {
    const observability = createHttpObservability({ metrics: false });
    const { server, address } = await startServer('tcp', { observability });
    if (address.kind !== 'tcp') throw new Error('expected TCP');
    expect((await httpGet(`http://127.0.0.1:${address.port}/metrics`)).body).toBe('running');
    expect((await observability.health.readiness()).ready).toBe(true);
    const closing = server.close();
    expect(await observability.health.readiness()).toEqual({
      ready: false,
      checks: { listening: true, draining: true },
    });
    await closing;
  });
});
