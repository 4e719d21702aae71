import { findTool, httpGet, promtoolCheckMetrics, sampleValue, scaled, waitFor } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { createWsObservability } from '../src/index.js';
import { captureLogger } from './capture-logger.js';
import { openRaw, startServer, upgradeStatus } from './helpers.js';

const PROMTOOL = findTool('promtool', 'prometheus');

describe('metrics, health and request logs', () => {
  it('serves /metrics next to /healthz, counting calls by method and error code, and logs one line per request', async () => {
    const { logger, lines } = captureLogger('info');
    const observability = createWsObservability({ metrics: true, logRequests: true });
    const { url, port } = await startServer({ logger, observability, authToken: 'secret-token' });
    const base = `http://127.0.0.1:${port}`;

    expect(await upgradeStatus(url)).toBe(401);
    const ws = await openRaw(url, { headers: { Authorization: 'Bearer secret-token' } });
    expect(await ws.request('{"jsonrpc":"2.0","method":"ping","id":1}')).toMatchObject({ result: 'pong' });
    expect(await ws.request('{"jsonrpc":"2.0","method":"nope","id":"x"}')).toMatchObject({
      error: { code: -32601 },
    });
    expect(
      await ws.request('[{"jsonrpc":"2.0","method":"ping","id":2},{"jsonrpc":"2.0","method":"ping","id":3}]'),
    ).toHaveLength(2);

    const metrics = await httpGet(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    const body = metrics.body;
    expect(sampleValue(body, 'sockworks_connections_open')).toBe(1);
    expect(sampleValue(body, 'sockworks_connections_refused_total', { reason: 'unauthorized' })).toBe(1);
    expect(sampleValue(body, 'sockworks_messages_received_total', { method: 'ping' })).toBe(3);
    expect(sampleValue(body, 'sockworks_messages_received_total', { method: 'other' })).toBe(1);
    expect(sampleValue(body, 'sockworks_errors_total', { code: '-32601' })).toBe(1);
    expect(sampleValue(body, 'sockworks_messages_sent_total', { type: 'response' })).toBe(3);
    expect(sampleValue(body, 'sockworks_request_duration_seconds_count', { method: 'ping' })).toBe(3);
    expect(body).not.toContain('"nope"');
    if (PROMTOOL !== undefined) {
      expect((await promtoolCheckMetrics(PROMTOOL, body)).problems).toEqual([]);
    }
    expect((await httpGet(`${base}/livez`)).status).toBe(200);
    expect((await httpGet(`${base}/readyz`)).status).toBe(200);
    expect((await httpGet(`${base}/healthz`)).status).toBe(200);

    const requests = await waitFor(
      () => {
        const found = lines().filter((l) => l.msg === 'request');
        return found.length === 4 ? found : undefined;
      },
      { timeoutMs: scaled(5000), what: 'four request log lines' },
    );
    expect(requests[0]).toMatchObject({ level: 'info', method: 'ping', id: 1, code: 'ok' });
    expect(requests[1]).toMatchObject({ method: 'nope', id: 'x', code: '-32601' });
    for (const line of requests) {
      expect(typeof line.conn).toBe('number');
      expect(typeof line.durationMs).toBe('number');
    }
    expect(JSON.stringify(lines())).not.toContain('secret-token');

    ws.ws.close();
    await waitFor(
      async () => sampleValue((await httpGet(`${base}/metrics`)).body, 'sockworks_connections_open') === 0,
      { timeoutMs: scaled(5000), what: 'the closed connection in the metrics' },
    );
  });

  it('stops being ready once shutdown starts; /metrics is off with metrics off', async () => {
    const observability = createWsObservability({ metrics: false });
    const { server, port } = await startServer({ observability });
    const base = `http://127.0.0.1:${port}`;
    expect((await httpGet(`${base}/metrics`)).status).toBe(404);
    const ready = await httpGet(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ ready: true, checks: { listening: true, draining: false } });
    // The listening socket closes as the drain starts, so a new probe is refused; the state it would
    // report (the 503 itself is tested in @sockworks/metrics) flips at once.
    const closing = server.close({ timeoutMs: scaled(10_000) });
    expect(await observability.health.readiness()).toEqual({
      ready: false,
      checks: { listening: true, draining: true },
    });
    await closing;
  });
});
