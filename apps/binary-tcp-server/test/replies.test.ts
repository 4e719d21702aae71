import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameBatch } from '../src/server/frame-batch.js';
import {
  broadcastJson,
  broadcastSentJson,
  echoResponseJson,
  errorJson,
  heartbeatJson,
  messageReceivedJson,
  pongJson,
  serverStatsJson,
} from '../src/server/replies.js';

const NOW = '2024-01-01T12:00:00.001Z';
const FROM = '127.0.0.1:12345';

describe('reply serialisers are JSON.stringify of the reply object, fields in protocol order', () => {
  it('fixed shapes', () => {
    expect(pongJson('t', NOW, FROM)).toBe(
      JSON.stringify({
        type: 'pong',
        ping_timestamp: 't',
        pong_timestamp: NOW,
        client_id: '127.0.0.1:12345',
      }),
    );
    expect(pongJson(5, NOW, FROM)).toBe(
      JSON.stringify({
        type: 'pong',
        ping_timestamp: null,
        pong_timestamp: NOW,
        client_id: '127.0.0.1:12345',
      }),
    );
    expect(broadcastSentJson(3, NOW)).toBe(
      JSON.stringify({ type: 'broadcast_sent', recipients: 3, timestamp: NOW }),
    );
    expect(
      serverStatsJson({
        connectedClients: 1,
        uptimeSeconds: 2,
        totalMessages: 3,
        serverStartTime: NOW,
        currentTime: NOW,
      }),
    ).toBe(
      JSON.stringify({
        type: 'server_stats',
        connected_clients: 1,
        uptime_seconds: 2,
        total_messages: 3,
        server_start_time: NOW,
        current_time: NOW,
      }),
    );
    expect(heartbeatJson(NOW)).toBe(JSON.stringify({ type: 'heartbeat', timestamp: NOW }));
    expect(errorJson('INVALID_JSON', 'bad "x"\n', NOW)).toBe(
      JSON.stringify({ type: 'error', code: 'INVALID_JSON', message: 'bad "x"\n', timestamp: NOW }),
    );
  });

  it('content-carrying shapes, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (content) => {
        const value = JSON.parse(JSON.stringify(content));
        expect(echoResponseJson(value, NOW)).toBe(
          JSON.stringify({ type: 'echo_response', content: value, timestamp: NOW, echoed_by: 'TCP Server' }),
        );
        expect(broadcastJson(value, FROM, NOW)).toBe(
          JSON.stringify({ type: 'broadcast', content: value, from: '127.0.0.1:12345', timestamp: NOW }),
        );
        expect(messageReceivedJson(value, FROM, NOW)).toBe(
          JSON.stringify({
            type: 'message_received',
            content: value,
            from: '127.0.0.1:12345',
            timestamp: NOW,
          }),
        );
      }),
    );
  });
});

describe('FrameBatch', () => {
  it('collects frames with big-endian length headers and empties on take()', () => {
    const batch = new FrameBatch();
    batch.push('{"a":1}');
    batch.push('"é✓🎉"');
    const bytes = batch.take();
    expect(batch.length).toBe(0);
    const first = bytes.readUInt32BE(0);
    expect(bytes.subarray(4, 4 + first).toString()).toBe('{"a":1}');
    const second = bytes.readUInt32BE(4 + first);
    expect(bytes.subarray(8 + first, 8 + first + second).toString()).toBe('"é✓🎉"');
    expect(bytes.length).toBe(8 + first + second);
  });

  it('holds a large frame', () => {
    const batch = new FrameBatch();
    const big = 'x'.repeat(100_000);
    batch.push(big);
    const bytes = batch.take();
    expect(bytes.readUInt32BE(0)).toBe(100_000);
    expect(bytes.subarray(4).toString()).toBe(big);
  });
});
