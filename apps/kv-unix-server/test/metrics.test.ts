import {
  findTool,
  freePort,
  httpGet,
  jsonLines,
  promtoolCheckMetrics,
  sampleValue,
  scaled,
} from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { RawClient, ServerProcess, tempSocketPath, waitFor } from './helpers.js';

const PROMTOOL = findTool('promtool', 'prometheus');

describe('metrics, health and request logs of the server process', { timeout: scaled(120_000) }, () => {
  it('counts requests by command and error code on --metrics-port, and logs one line per request', async () => {
    const path = tempSocketPath();
    const port = await freePort();
    const proc = ServerProcess.spawn(['--socket', path, '--metrics-port', String(port), '--log-requests']);
    await proc.waitForLog('metrics server listening');
    const base = `http://127.0.0.1:${port}`;
    expect((await httpGet(`${base}/livez`)).status).toBe(200);
    expect((await httpGet(`${base}/readyz`)).status).toBe(200);

    const client = await RawClient.connect(path);
    client.send({ command: 'echo', request_id: 'r1', data: { message: 'hi' } });
    client.send({ command: 'store', data: { key: 'k', value: 1 } });
    client.send({ command: 'retrieve', request_id: 7, data: { key: 'missing' } });
    client.send({ command: 'no-such-command' });
    client.write('not json\n');
    const replies = await client.replies(5);
    expect(replies.map((r) => r.success)).toEqual([true, true, false, false, false]);

    const { status, body } = await httpGet(`${base}/metrics`);
    expect(status).toBe(200);
    expect(sampleValue(body, 'sockworks_connections_open')).toBe(1);
    expect(sampleValue(body, 'sockworks_connections_accepted_total')).toBe(1);
    expect(sampleValue(body, 'sockworks_messages_received_total', { method: 'echo' })).toBe(1);
    expect(sampleValue(body, 'sockworks_messages_received_total', { method: 'store' })).toBe(1);
    expect(sampleValue(body, 'sockworks_messages_received_total', { method: 'other' })).toBe(1);
    expect(sampleValue(body, 'sockworks_errors_total', { code: 'KEY_NOT_FOUND' })).toBe(1);
    expect(sampleValue(body, 'sockworks_errors_total', { code: 'UNKNOWN_COMMAND' })).toBe(1);
    expect(sampleValue(body, 'sockworks_errors_total', { code: 'INVALID_JSON' })).toBe(1);
    expect(sampleValue(body, 'sockworks_messages_sent_total', { type: 'success' })).toBe(2);
    expect(sampleValue(body, 'sockworks_messages_sent_total', { type: 'error' })).toBe(3);
    expect(sampleValue(body, 'sockworks_request_duration_seconds_count', { method: 'retrieve' })).toBe(1);
    expect(sampleValue(body, 'sockworks_received_bytes_total')).toBeGreaterThan(100);
    expect(sampleValue(body, 'sockworks_sent_bytes_total')).toBeGreaterThan(100);
    expect(body).not.toContain('no-such-command');
    if (PROMTOOL !== undefined) {
      expect((await promtoolCheckMetrics(PROMTOOL, body)).problems).toEqual([]);
    }

    await waitFor(
      () => jsonLines(proc.stdout).filter((l) => l.msg === 'request').length === 4,
      'four request log lines',
    );
    const requests = jsonLines(proc.stdout).filter((l) => l.msg === 'request');
    expect(requests[0]).toMatchObject({ level: 'info', method: 'echo', id: 'r1', code: 'ok', conn: 1 });
    expect(requests[2]).toMatchObject({ method: 'retrieve', id: 7, code: 'KEY_NOT_FOUND', conn: 1 });
    expect(requests[3]).toMatchObject({ method: 'no-such-command', id: null, code: 'UNKNOWN_COMMAND' });
    for (const line of requests) expect(typeof line.durationMs).toBe('number');

    client.destroy();
    await waitFor(() => proc.stdout.includes('client disconnected'), 'the disconnect');
    const after = (await httpGet(`${base}/metrics`)).body;
    expect(sampleValue(after, 'sockworks_connections_open')).toBe(0);
    expect(sampleValue(after, 'sockworks_connections_closed_total', { reason: 'normal' })).toBe(1);
  });

  it('has no metrics port and logs no request lines by default', async () => {
    const path = tempSocketPath();
    const proc = ServerProcess.spawn(['--socket', path]);
    await proc.waitForLog('kv server started');
    const client = await RawClient.connect(path);
    client.send({ command: 'ping' });
    await client.replies(1);
    expect(proc.stdout).not.toContain('metrics server listening');
    expect(jsonLines(proc.stdout).filter((l) => l.msg === 'request')).toEqual([]);
  });
});
