import { IsoClock } from '@sockworks/service';
import { describe, expect, it } from 'vitest';
import { type HandlerPeer, type HandlerServer, handleFrame } from '../src/server/handlers.js';
import { ServerStatistics } from '../src/server/stats.js';

function fakeServer(nowMs: number, others = 2) {
  const sent: string[] = [];
  const clock = new IsoClock(() => nowMs);
  const server: HandlerServer = {
    clock,
    stats: new ServerStatistics(nowMs - 90_500),
    connectedClients: () => others + 1,
    broadcast: (_sender, frameJson) => {
      sent.push(frameJson);
      return others;
    },
  };
  return { server, sent };
}

const peer: HandlerPeer = { clientId: '10.0.0.1:5000' };
const NOW = Date.parse('2024-01-01T12:00:00.000Z');
const answer = (value: unknown, server: HandlerServer) =>
  JSON.parse(handleFrame(value, peer, server) ?? 'null');

describe('handleFrame (business layer, no sockets)', () => {
  it('answers each request type', () => {
    const { server, sent } = fakeServer(NOW);
    expect(answer({ type: 'ping', timestamp: 'a' }, server)).toEqual({
      type: 'pong',
      ping_timestamp: 'a',
      pong_timestamp: '2024-01-01T12:00:00.000Z',
      client_id: '10.0.0.1:5000',
    });
    expect(answer({ type: 'echo', content: [1] }, server)).toMatchObject({
      type: 'echo_response',
      content: [1],
    });
    expect(answer({ type: 'broadcast', content: 'hi' }, server)).toEqual({
      type: 'broadcast_sent',
      recipients: 2,
      timestamp: '2024-01-01T12:00:00.000Z',
    });
    expect(JSON.parse(sent[0]!)).toEqual({
      type: 'broadcast',
      content: 'hi',
      from: '10.0.0.1:5000',
      timestamp: '2024-01-01T12:00:00.000Z',
    });
    server.stats.totalMessages = 42;
    expect(answer({ type: 'get_stats' }, server)).toEqual({
      type: 'server_stats',
      connected_clients: 3,
      uptime_seconds: 90,
      total_messages: 42,
      server_start_time: '2024-01-01T11:58:29.500Z',
      current_time: '2024-01-01T12:00:00.000Z',
    });
    expect(answer({ type: 'message', content: 'text' }, server)).toMatchObject({
      type: 'message_received',
      content: 'text',
    });
    expect(handleFrame({ type: 'heartbeat_ack' }, peer, server)).toBeNull();
  });

  it('rejects shapes and unknown types with codes', () => {
    const { server, sent } = fakeServer(NOW);
    for (const bad of [null, 1, 'ping', [], [{ type: 'ping' }], {}, { type: 1 }, { type: null }]) {
      expect(answer(bad, server)).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE' });
    }
    for (const type of ['echo', 'broadcast', 'message']) {
      expect(answer({ type }, server)).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE' });
    }
    for (const type of [
      'custom_type',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'PING',
      '',
    ]) {
      expect(answer({ type }, server)).toMatchObject({ type: 'error', code: 'UNKNOWN_MESSAGE_TYPE' });
    }
    expect(sent).toEqual([]);
  });
});

describe('IsoClock', () => {
  it('formats ISO 8601 UTC and reuses the string within one millisecond', () => {
    let now = 0;
    const clock = new IsoClock(() => now);
    const a = clock.iso();
    expect(a).toBe('1970-01-01T00:00:00.000Z');
    expect(clock.iso()).toBe(a);
    now = 1;
    expect(clock.iso()).toBe('1970-01-01T00:00:00.001Z');
  });
});
