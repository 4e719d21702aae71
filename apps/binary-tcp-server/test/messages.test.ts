import { describe, expect, it } from 'vitest';
import { frame, ISO_UTC, RawClient, startServer } from './helpers.js';

describe('message types over a raw socket', () => {
  it('ping -> pong with the ping timestamp and the client id host:port', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    const ts = '2024-01-01T12:00:00.000Z';
    const pong = await c.request({ type: 'ping', timestamp: ts, client_info: 'test' });
    expect(pong).toEqual({
      type: 'pong',
      ping_timestamp: ts,
      pong_timestamp: expect.stringMatching(ISO_UTC),
      client_id: `127.0.0.1:${c.socket.localPort}`,
    });
    expect(await c.request({ type: 'ping' })).toMatchObject({ type: 'pong', ping_timestamp: null });
  });

  it('echo -> echo_response with content, timestamp and echoed_by', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    const reply = await c.request({ type: 'echo', content: 'Hello TCP Server!', timestamp: 'x' });
    expect(reply).toEqual({
      type: 'echo_response',
      content: 'Hello TCP Server!',
      timestamp: expect.stringMatching(ISO_UTC),
      echoed_by: 'TCP Server',
    });
  });

  it('echo returns any JSON value unchanged, escapes included', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    const values = [
      'quote " backslash \\ newline \n tab \t nul \u0000',
      'unicode é ✓ 🎉 \u2028',
      '\ud800 lone surrogate',
      '',
      0,
      -1.5e300,
      true,
      null,
      [1, 'two', { three: 3 }],
      JSON.parse('{"__proto__":1,"constructor":"x","toString":[]}'),
      { nested: { deeper: [[[[]]]] } },
    ];
    for (const content of values) {
      const reply = await c.request({ type: 'echo', content });
      expect(reply.content).toEqual(JSON.parse(JSON.stringify(content)));
    }
  });

  it('echo answers any request layout through the handlers: whitespace, member order, extra and repeated members', async () => {
    const { port } = await startServer({ clock: () => Date.parse('2024-01-01T12:00:00.001Z') });
    const c = await RawClient.connect(port);
    const payloads = [
      '{"type":"echo","content":"a"}',
      ' {\n "content" : "b" ,\t"type":"echo" } ',
      '{"x":"1","type":"echo","timestamp":"t","content":"c","client_info":"é"}',
      '{"type":"echo","content":"first","content":"last"}',
      '{"type":"echo","content":"esc\\u00e9 \\" \\\\"}',
    ];
    c.write(Buffer.concat(payloads.map((p) => frame(p))));
    const replies = await c.waitFrames(payloads.length);
    expect(replies).toEqual(
      payloads.map((p) => ({
        type: 'echo_response',
        content: (JSON.parse(p) as { content: unknown }).content,
        timestamp: '2024-01-01T12:00:00.001Z',
        echoed_by: 'TCP Server',
      })),
    );
  });

  it('get_stats -> server_stats with live counters', async () => {
    let now = Date.parse('2024-01-01T11:00:00.000Z');
    const { port } = await startServer({ clock: () => now });
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    await a.request({ type: 'ping' });
    await b.request({ type: 'echo', content: 'counted like any frame' });
    now += 3_600_000;
    const stats = await a.request({ type: 'get_stats', timestamp: 'x' });
    expect(stats).toEqual({
      type: 'server_stats',
      connected_clients: 2,
      uptime_seconds: 3600,
      total_messages: 3,
      server_start_time: '2024-01-01T11:00:00.000Z',
      current_time: '2024-01-01T12:00:00.000Z',
    });
  });

  it('message -> message_received (the interactive client plain text)', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    const reply = await c.request({ type: 'message', content: 'hello there' });
    expect(reply).toEqual({
      type: 'message_received',
      content: 'hello there',
      from: `127.0.0.1:${c.socket.localPort}`,
      timestamp: expect.stringMatching(ISO_UTC),
    });
  });

  it('heartbeat_ack gets no reply', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    c.send({ type: 'heartbeat_ack' });
    const pong = await c.request({ type: 'ping' });
    expect(pong.type).toBe('pong');
    expect(c.frames).toHaveLength(1);
  });

  it('broadcast -> broadcast_sent to the sender, broadcast frame to the others', async () => {
    const { port } = await startServer();
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    const c = await RawClient.connect(port);
    await b.request({ type: 'ping' });
    await c.request({ type: 'ping' });
    const sent = await a.request({ type: 'broadcast', content: 'Message to all clients', timestamp: 'x' });
    expect(sent).toEqual({
      type: 'broadcast_sent',
      recipients: 2,
      timestamp: expect.stringMatching(ISO_UTC),
    });
    for (const other of [b, c]) {
      const [, got] = await other.waitFrames(2);
      expect(got).toEqual({
        type: 'broadcast',
        content: 'Message to all clients',
        from: `127.0.0.1:${a.socket.localPort}`,
        timestamp: expect.stringMatching(ISO_UTC),
      });
    }
    expect(a.frames).toHaveLength(1);
  });
});

describe('errors keep the connection usable', () => {
  const cases: Array<[string, Buffer, string]> = [
    ['invalid JSON', frame('{"type": "echo", '), 'INVALID_JSON'],
    ['invalid UTF-8', frame(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 'INVALID_JSON'],
    ['a JSON array', frame([1, 2]), 'INVALID_MESSAGE'],
    ['a JSON string', frame('"ping"'), 'INVALID_MESSAGE'],
    ['null', frame('null'), 'INVALID_MESSAGE'],
    ['an object without type', frame({ content: 1 }), 'INVALID_MESSAGE'],
    ['a non-string type', frame({ type: 7 }), 'INVALID_MESSAGE'],
    ['echo without content', frame({ type: 'echo' }), 'INVALID_MESSAGE'],
    ['broadcast without content', frame({ type: 'broadcast' }), 'INVALID_MESSAGE'],
    [
      'nesting over the depth limit',
      frame(`{"type":"echo","content":${'['.repeat(100)}${']'.repeat(100)}}`),
      'INVALID_MESSAGE',
    ],
    ['an unknown type', frame({ type: 'custom_type', data: 1 }), 'UNKNOWN_MESSAGE_TYPE'],
    ['type __proto__', frame({ type: '__proto__' }), 'UNKNOWN_MESSAGE_TYPE'],
    ['type constructor', frame({ type: 'constructor' }), 'UNKNOWN_MESSAGE_TYPE'],
  ];
  for (const [name, bytes, code] of cases) {
    it(`${name} -> ${code}`, async () => {
      const { port } = await startServer();
      const c = await RawClient.connect(port);
      c.write(bytes);
      const [err] = await c.waitFrames(1);
      expect(err).toEqual({
        type: 'error',
        code,
        message: expect.any(String),
        timestamp: expect.stringMatching(ISO_UTC),
      });
      expect(await c.request({ type: 'ping' })).toMatchObject({ type: 'pong' });
      expect(c.closed).toBe(false);
    });
  }

  it('the unknown type is named in the message, cut to 64 characters', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    const reply = await c.request({ type: `x${'y'.repeat(200)}` });
    expect(reply.code).toBe('UNKNOWN_MESSAGE_TYPE');
    expect(String(reply.message).length).toBeLessThan(100);
  });
});

describe('pipelining', () => {
  it('answers 500 pipelined requests of mixed types in order', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    const bytes: Buffer[] = [];
    for (let i = 0; i < 500; i++) {
      bytes.push(
        frame(
          i % 3 === 0 ? { type: 'echo', content: i } : i % 3 === 1 ? { type: 'bogus', n: i } : 'not json',
        ),
      );
    }
    c.write(Buffer.concat(bytes));
    const frames = await c.waitFrames(500);
    frames.forEach((f, i) => {
      if (i % 3 === 0) expect(f).toMatchObject({ type: 'echo_response', content: i });
      else if (i % 3 === 1) expect(f).toMatchObject({ type: 'error', code: 'UNKNOWN_MESSAGE_TYPE' });
      else expect(f).toMatchObject({ type: 'error', code: 'INVALID_JSON' });
    });
  });
});
