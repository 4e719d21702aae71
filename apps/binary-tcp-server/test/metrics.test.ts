import {
  findTool,
  freePort,
  httpGet,
  jsonLines,
  promtoolCheckMetrics,
  sampleValue,
  scaled,
  waitFor,
} from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { header, RawClient } from './helpers.js';
import { startServerProcess, until } from './process-helpers.js';

const PROMTOOL = findTool('promtool', 'prometheus');

describe('metrics, health and request logs of the server process', { timeout: scaled(120_000) }, () => {
  it('counts frames by type, errors by code and broadcasts on --metrics-port, and logs one line per request', async () => {
    const metricsPort = await freePort();
    const proc = await startServerProcess(['--metrics-port', String(metricsPort), '--log-requests']);
    const base = `http://127.0.0.1:${metricsPort}`;
    await until(
      () => proc.stdout().includes('metrics server listening') || undefined,
      30_000,
      'the metrics server',
    );
    expect((await httpGet(`${base}/livez`)).status).toBe(200);
    expect((await httpGet(`${base}/readyz`)).status).toBe(200);

    const a = await RawClient.connect(proc.port);
    const b = await RawClient.connect(proc.port);
    expect((await a.request({ type: 'echo', content: 'hi' })).type).toBe('echo_response');
    expect((await a.request({ type: 'ping' })).type).toBe('pong');
    expect((await a.request({ type: 'broadcast', content: 'all' })).type).toBe('broadcast_sent');
    expect((await a.request({ type: 'nonsense-type' })).code).toBe('UNKNOWN_MESSAGE_TYPE');
    await b.waitFrames(1);

    const { status, body } = await httpGet(`${base}/metrics`);
    expect(status).toBe(200);
    expect(sampleValue(body, 'sockworks_connections_open')).toBe(2);
    expect(sampleValue(body, 'sockworks_messages_received_total', { method: 'echo' })).toBe(1);
    expect(sampleValue(body, 'sockworks_messages_received_total', { method: 'ping' })).toBe(1);
    expect(sampleValue(body, 'sockworks_messages_received_total', { method: 'other' })).toBe(1);
    expect(sampleValue(body, 'sockworks_errors_total', { code: 'UNKNOWN_MESSAGE_TYPE' })).toBe(1);
    expect(sampleValue(body, 'sockworks_messages_sent_total', { type: 'broadcast' })).toBe(1);
    expect(sampleValue(body, 'sockworks_messages_sent_total', { type: 'pong' })).toBe(1);
    expect(sampleValue(body, 'sockworks_request_duration_seconds_count', { method: 'broadcast' })).toBe(1);
    expect(body).not.toContain('nonsense-type');
    if (PROMTOOL !== undefined) {
      expect((await promtoolCheckMetrics(PROMTOOL, body)).problems).toEqual([]);
    }

    const requests = await until(
      () => {
        const lines = jsonLines(proc.stdout()).filter((l) => l.msg === 'request');
        return lines.length === 4 ? lines : undefined;
      },
      10_000,
      'four request log lines',
    );
    expect(requests[0]).toMatchObject({ level: 'info', method: 'echo', id: null, code: 'ok' });
    expect(requests[3]).toMatchObject({ method: 'nonsense-type', code: 'UNKNOWN_MESSAGE_TYPE' });
    expect(typeof requests[0]?.conn).toBe('number');
    expect(typeof requests[0]?.durationMs).toBe('number');

    // An oversize frame header loses framing: the connection closes with reason protocol_error.
    a.write(header(0xffff_ffff));
    await a.waitClosed();
    const after = await waitFor(
      async () => {
        const text = (await httpGet(`${base}/metrics`)).body;
        return sampleValue(text, 'sockworks_connections_open') === 1 ? text : undefined;
      },
      { timeoutMs: scaled(10_000), what: 'the closed connection in the metrics' },
    );
    expect(sampleValue(after, 'sockworks_connections_closed_total', { reason: 'protocol_error' })).toBe(1);
    expect(sampleValue(after, 'sockworks_errors_total', { code: 'FRAME_TOO_LARGE' })).toBe(1);
  });
});
