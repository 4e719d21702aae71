import { fileURLToPath } from 'node:url';
import {
  findTool,
  freePort,
  httpGet,
  jsonLines,
  promtoolCheckMetrics,
  sampleValue,
  scaled,
  spawnTracked,
  tsxArgs,
  waitFor,
} from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { RawClient } from './helpers.js';

const PROMTOOL = findTool('promtool', 'prometheus');
const appDir = fileURLToPath(new URL('..', import.meta.url));

describe('metrics, health and request logs of the server process', { timeout: scaled(120_000) }, () => {
  it('counts requests by method and error code in both dialects, broadcasts, and logs one line per request', async () => {
    const metricsPort = await freePort();
    const proc = spawnTracked(
      process.execPath,
      tsxArgs('src/main.ts', '--port', '0', '--metrics-port', String(metricsPort), '--log-requests'),
      { cwd: appDir, env: { ...process.env, LOG_PRETTY: '0', LOG_LEVEL: 'info' }, label: 'chat-rpc-server' },
    );
    const listening = await proc.waitForLogLine(
      (entry) => entry.msg === 'listening' && typeof entry.address === 'string',
      '"listening"',
    );
    await proc.waitForLogLine(
      (entry) => entry.msg === 'metrics server listening',
      '"metrics server listening"',
    );
    const port = Number(String(listening.address).split(':').pop());
    const base = `http://127.0.0.1:${metricsPort}`;
    expect((await httpGet(`${base}/livez`)).status).toBe(200);
    expect((await httpGet(`${base}/readyz`)).status).toBe(200);

    const alice = await RawClient.connect(port);
    const bob = await RawClient.connect(port);
    await alice.join('Alice');
    await bob.join('Bob');
    expect(await alice.call({ method: 'get_users' })).toMatchObject({ users: ['Alice', 'Bob'] });
    expect(await alice.call({ method: 'no_such_method' })).toMatchObject({ code: -32601 });
    expect(await bob.call({ jsonrpc: '2.0', method: 'get_users', id: 'q1' })).toMatchObject({
      id: 'q1',
      result: { users: ['Alice', 'Bob'] },
    });

    const body = (await httpGet(`${base}/metrics`)).body;
    expect(sampleValue(body, 'sockworks_connections_open')).toBe(2);
    expect(sampleValue(body, 'sockworks_messages_received_total', { method: 'join_chat' })).toBe(2);
    expect(sampleValue(body, 'sockworks_messages_received_total', { method: 'get_users' })).toBe(2);
    expect(sampleValue(body, 'sockworks_messages_received_total', { method: 'other' })).toBe(1);
    expect(sampleValue(body, 'sockworks_errors_total', { code: '-32601' })).toBe(1);
    expect(sampleValue(body, 'sockworks_messages_sent_total', { type: 'broadcast' })).toBeGreaterThan(0);
    expect(sampleValue(body, 'sockworks_request_duration_seconds_count', { method: 'get_users' })).toBe(2);
    expect(body).not.toContain('no_such_method');
    if (PROMTOOL !== undefined) {
      expect((await promtoolCheckMetrics(PROMTOOL, body)).problems).toEqual([]);
    }

    const requests = await waitFor(
      () => {
        const lines = jsonLines(proc.stdout()).filter((l) => l.msg === 'request');
        return lines.length === 5 ? lines : undefined;
      },
      { timeoutMs: scaled(10_000), what: 'five request log lines' },
    );
    expect(requests[0]).toMatchObject({ level: 'info', method: 'join_chat', code: 'ok' });
    expect(requests.find((l) => l.method === 'no_such_method')).toMatchObject({ code: '-32601', id: null });
    expect(requests.find((l) => l.id === 'q1')).toMatchObject({ method: 'get_users', code: 'ok' });
    for (const line of requests) {
      expect(typeof line.conn).toBe('number');
      expect(typeof line.durationMs).toBe('number');
    }
  });
});
