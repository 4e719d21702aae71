import { Writable } from 'node:stream';
import { KvErrorCode } from '@sockworks/error-codes';
import { createLogger } from '@sockworks/logging';
import { connectionsReach, connectRaw, framings } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { CommandRegistry, createDefaultRegistry } from '../src/index.js';
import { RawClient, startServer, waitFor } from './helpers.js';

describe('wire protocol over the socket', () => {
  it('answers every command with the spec envelope', async () => {
    const { path } = await startServer();
    const c = await RawClient.connect(path);
    const requests = [
      { command: 'echo', request_id: '1', data: { message: 'Hello, World!' } },
      { command: 'time', request_id: '2', data: {} },
      { command: 'calculate', request_id: '3', data: { operation: 'add', a: 10, b: 5 } },
      { command: 'store', request_id: '4', data: { key: 'username', value: 'john_doe' } },
      { command: 'retrieve', request_id: '5', data: { key: 'username' } },
      { command: 'list_keys', request_id: '6', data: {} },
      { command: 'delete', request_id: '7', data: { key: 'username' } },
      { command: 'ping', request_id: '8', data: {} },
      { command: 'help', request_id: '9', data: {} },
    ];
    for (const r of requests) c.send(r);
    const replies = await c.replies(requests.length);
    replies.forEach((reply, i) => {
      expect(reply).toMatchObject({ type: 'response', success: true, request_id: String(i + 1) });
      expect(new Date(reply.timestamp as string).toISOString()).toBe(reply.timestamp);
    });
    expect(replies[0]!.data).toEqual({ echo: 'Hello, World!' });
    expect(Object.keys(replies[1]!.data as object)).toEqual(['timestamp', 'unix_timestamp', 'formatted']);
    expect(replies[2]!.data).toEqual({ operation: 'add', a: 10, b: 5, result: 15 });
    expect(replies[3]!.data).toMatchObject({ key: 'username', stored: true });
    expect(replies[4]!.data).toEqual({ key: 'username', value: 'john_doe' });
    expect(replies[5]!.data).toEqual({ keys: ['username'], count: 1, cursor: '0' });
    expect(replies[6]!.data).toMatchObject({ key: 'username', deleted: true });
    expect(replies[7]!.data).toMatchObject({ status: 'ok', storage_size: 0 });
    expect(Object.keys((replies[8]!.data as { commands: object }).commands)).toHaveLength(9);
  });

  it('answers each error code and keeps the connection usable', async () => {
    const { path } = await startServer({ maxKeys: 1 });
    const c = await RawClient.connect(path);
    c.write('{"command": "ping", oops}\n');
    c.send({ data: {} });
    c.send({ command: 'frobnicate' });
    c.send({ command: 'echo', data: {} });
    c.send({ command: 'calculate', data: { operation: 'sqrt', a: 1, b: 1 } });
    c.send({ command: 'calculate', data: { operation: 'divide', a: 1, b: 0 } });
    c.send({ command: 'retrieve', data: { key: 'nope' } });
    c.send({ command: 'store', data: { key: 'a', value: 1 } });
    c.send({ command: 'store', data: { key: 'b', value: 1 } });
    c.write(Buffer.from([0xff, 0xfe, 0x0a]));
    c.send({ command: 'ping', request_id: 'still-alive' });
    const replies = await c.replies(11);
    expect(replies.map((r) => (r.error as { code: string } | undefined)?.code ?? 'ok')).toEqual([
      KvErrorCode.INVALID_JSON,
      KvErrorCode.INVALID_REQUEST,
      KvErrorCode.UNKNOWN_COMMAND,
      KvErrorCode.INVALID_INPUT,
      KvErrorCode.INVALID_OPERATION,
      KvErrorCode.MATH_ERROR,
      KvErrorCode.KEY_NOT_FOUND,
      'ok',
      KvErrorCode.STORAGE_FULL,
      KvErrorCode.INVALID_JSON,
      'ok',
    ]);
    expect(replies[10]!.request_id).toBe('still-alive');
    expect(c.closed).toBe(false);
  });

  it('PROCESSING_ERROR from a handler reaches the client as sent', async () => {
    const { ProtocolError } = await import('@sockworks/error-codes');
    const registry = createDefaultRegistry().register('fail', {
      description: 'always fails',
      parameters: {},
      handler: () => {
        throw new ProtocolError(KvErrorCode.PROCESSING_ERROR, 'could not process');
      },
    });
    const { path } = await startServer({ registry });
    const c = await RawClient.connect(path);
    expect(await c.request({ command: 'fail' })).toMatchObject({
      success: false,
      error: { code: 'PROCESSING_ERROR', message: 'could not process' },
    });
  });

  it('INTERNAL_ERROR for a handler bug; the server keeps serving', async () => {
    const registry = new CommandRegistry()
      .register('boom', {
        description: 'bug',
        parameters: {},
        handler: () => {
          throw new Error('kaboom');
        },
      })
      .register('ping', createDefaultRegistry().get('ping')!);
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).trim().split('\n'));
        done();
      },
    });
    const logger = createLogger({ service: 'kv-test', level: 'debug', pretty: false, destination });
    const { path } = await startServer({ registry, logger });
    const c = await RawClient.connect(path);
    expect(await c.request({ command: 'boom', request_id: 'b' })).toMatchObject({
      success: false,
      request_id: 'b',
      error: { code: 'INTERNAL_ERROR' },
    });
    expect((await c.request({ command: 'ping' })).success).toBe(true);
    const other = await RawClient.connect(path);
    expect((await other.request({ command: 'ping' })).success).toBe(true);
    const logged = lines.map(
      (l) => JSON.parse(l) as { msg: string; err?: { message: string; stack: string } },
    );
    const failure = logged.find((l) => l.msg === 'command failed with an internal error');
    expect(failure?.err?.message).toBe('kaboom');
    expect(failure?.err?.stack).toContain('kaboom');
    for (const msg of ['listening', 'kv server started', 'client connected', 'command']) {
      expect(logged.some((l) => l.msg === msg)).toBe(true);
    }
  });

  it('does not build per-connection child loggers when nothing would be logged', async () => {
    const counted = (level: string) => {
      const logger = createLogger({
        service: 'kv-test',
        level,
        pretty: false,
        destination: new Writable({ write: (_c, _e, done) => done() }),
      });
      const child = logger.child.bind(logger);
      const count = { children: 0 };
      logger.child = ((...args: Parameters<typeof child>) => {
        count.children++;
        return child(...args);
      }) as typeof logger.child;
      return { logger, count };
    };
    const quiet = counted('warn');
    const { path } = await startServer({ logger: quiet.logger });
    for (let i = 0; i < 5; i++) {
      const c = await RawClient.connect(path);
      expect((await c.request({ command: 'ping' })).success).toBe(true);
      c.write('not json\n');
      expect((await c.replies(1))[0]).toMatchObject({ error: { code: 'INVALID_JSON' } });
    }
    expect(quiet.count.children).toBe(0);
    // At info level "client connected" is written, with the connection's own fields.
    const loud = counted('info');
    const other = await startServer({ logger: loud.logger });
    const c = await RawClient.connect(other.path);
    expect((await c.request({ command: 'ping' })).success).toBe(true);
    expect(loud.count.children).toBe(1);
  });

  it('tolerates \\r\\n and blank lines; accepts a last line without newline at end of input', async () => {
    const { path } = await startServer();
    const c = await RawClient.connect(path);
    c.write('\n\r\n{"command":"ping","request_id":"crlf"}\r\n\n');
    expect((await c.replies(1))[0]!.request_id).toBe('crlf');
    c.socket.end('{"command":"echo","data":{"message":"last"}}');
    expect((await c.replies(1))[0]!.data).toEqual({ echo: 'last' });
    await c.waitClosed();
  });
});

describe('framing and flow', () => {
  it('pipelines 1000 requests sent in one write, answered in order', async () => {
    const { path } = await startServer();
    const c = await RawClient.connect(path);
    let batch = '';
    for (let i = 0; i < 1000; i++) {
      batch +=
        i % 2 === 0
          ? `{"command":"store","request_id":${i},"data":{"key":"k${i}","value":${i}}}\n`
          : `{"command":"retrieve","request_id":${i},"data":{"key":"k${i - 1}"}}\n`;
    }
    c.write(batch);
    const replies = await c.replies(1000);
    replies.forEach((reply, i) => {
      expect(reply.request_id).toBe(i);
      expect(reply.success).toBe(true);
      if (i % 2 === 1) expect(reply.data).toEqual({ key: `k${i - 1}`, value: i - 1 });
    });
  });

  it('decodes a request split byte by byte (including inside UTF-8 characters)', async () => {
    const { path } = await startServer();
    const c = await RawClient.connect(path);
    const bytes = Buffer.from(
      '{"command":"echo","request_id":"byte","data":{"message":"héllo € 𝄞"}}\n{"command":"ping"}\n',
    );
    for (const byte of bytes) {
      c.write(Buffer.from([byte]));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const replies = await c.replies(2);
    expect(replies[0]).toMatchObject({ request_id: 'byte', data: { echo: 'héllo € 𝄞' } });
    expect(replies[1]!.success).toBe(true);
  });

  it('serves concurrent clients independently', async () => {
    const { path, server } = await startServer();
    const clients = await Promise.all(Array.from({ length: 200 }, () => RawClient.connect(path)));
    clients.forEach((c, n) => {
      for (let i = 0; i < 20; i++) {
        c.send({ command: 'store', request_id: `${n}-${i}`, data: { key: `c${n}-${i}`, value: n * i } });
      }
    });
    await Promise.all(
      clients.map(async (c, n) => {
        const replies = await c.replies(20);
        expect(replies.map((r) => r.request_id)).toEqual(Array.from({ length: 20 }, (_, i) => `${n}-${i}`));
      }),
    );
    expect(server.store.size).toBe(4000);
    expect(server.connections.size).toBe(200);
  });

  it('an over-long line gets one MESSAGE_TOO_LARGE reply, then the connection closes', async () => {
    const { path } = await startServer({ maxLineBytes: 1024 });
    const c = await RawClient.connect(path);
    c.send({ command: 'ping', request_id: 'before' });
    c.write(`{"command":"echo","data":{"message":"${'x'.repeat(5000)}"}}\n{"command":"ping"}\n`);
    await c.waitClosed();
    const replies = c.lines.map((l) => JSON.parse(l));
    expect(replies).toHaveLength(2);
    expect(replies[0].request_id).toBe('before');
    expect(replies[1]).toMatchObject({ success: false, error: { code: 'MESSAGE_TOO_LARGE' } });
  });

  it('a peer that keeps its side open after the error reply is dropped, freeing its slot', async () => {
    const { path, server } = await startServer({ maxLineBytes: 100 });
    const peer = await connectRaw({ path }, framings.bytes(), { allowHalfOpen: true });
    peer.write(`${'z'.repeat(500)}\n`);
    await connectionsReach(server, 0, 'the server to drop the half-open peer');
    expect(JSON.parse(peer.text()).error.code).toBe('MESSAGE_TOO_LARGE');
  });

  it('exactly the limit is accepted', async () => {
    const { path } = await startServer({ maxLineBytes: 200 });
    const c = await RawClient.connect(path);
    const head = '{"command":"echo","data":{"message":"';
    const tail = '"}}';
    const line = head + 'y'.repeat(200 - head.length - tail.length) + tail;
    expect(Buffer.byteLength(line)).toBe(200);
    expect((await c.request(JSON.parse(line))).success).toBe(true);
  });

  it('an HTTP request line gets one PROTOCOL_MISMATCH reply and a close', async () => {
    const { path } = await startServer();
    const c = await RawClient.connect(path);
    c.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await c.waitClosed();
    expect(c.lines).toHaveLength(1);
    expect(JSON.parse(c.lines[0]!)).toMatchObject({ success: false, error: { code: 'PROTOCOL_MISMATCH' } });
  });

  it('deeply nested JSON is rejected with INVALID_JSON, never a crash; the connection stays usable', async () => {
    const { path } = await startServer({ maxDepth: 64 });
    const c = await RawClient.connect(path);
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    c.write(`{"command":"echo","data":{"message":${deep}}}\n`);
    const [reply] = await c.replies(1);
    expect(reply).toMatchObject({ success: false, error: { code: 'INVALID_JSON' } });
    let ok: unknown = 1;
    for (let i = 0; i < 60; i++) ok = [ok];
    expect((await c.request({ command: 'echo', data: { message: ok } })).data).toEqual({ echo: ok });
  });
});

/** Stores a 20 kB value under `big`, then connects a client that does not read (its socket paused). */
async function connectHog(path: string): Promise<RawClient> {
  const setup = await RawClient.connect(path);
  expect(
    (await setup.request({ command: 'store', data: { key: 'big', value: 'v'.repeat(20_000) } })).success,
  ).toBe(true);
  const hog = await RawClient.connect(path);
  hog.socket.pause();
  return hog;
}

describe('limits', () => {
  it('a client that never reads is paused at the high-water mark; others are unaffected', async () => {
    const { path, server } = await startServer({ outputHighWaterMark: 64 * 1024 });
    const hog = await connectHog(path);
    const request = '{"command":"retrieve","data":{"key":"big"}}\n';
    // 2000 retrieves would be 40 MB of replies if the server buffered them.
    hog.write(request.repeat(2000));
    const conn = () => [...server.connections].find((c) => c.queuedRequests > 0 || c.readingPaused);
    await waitFor(() => conn()?.readingPaused === true, 'the hog connection to be paused');
    const hogConn = conn()!;
    expect(hogConn.pendingOutputBytes).toBeLessThan(64 * 1024 + 2 * 20_100);
    const other = await RawClient.connect(path);
    for (let i = 0; i < 10; i++) expect((await other.request({ command: 'ping' })).success).toBe(true);
    expect(hogConn.pendingOutputBytes).toBeLessThan(64 * 1024 + 2 * 20_100);
    // Once the client reads, everything is answered.
    hog.socket.resume();
    await waitFor(() => hog.lines.length >= 2000, 'all 2000 replies', 15_000);
  });

  it('a client that stays paused past the stall timeout is disconnected; a reading client is not', async () => {
    const { path, server } = await startServer({
      outputHighWaterMark: 16 * 1024,
      outputStallTimeoutMs: 1000,
    });
    const hog = await connectHog(path);
    hog.write('{"command":"retrieve","data":{"key":"big"}}\n'.repeat(500));
    const paused = () => [...server.connections].find((c) => c.readingPaused);
    await waitFor(() => paused() !== undefined, 'the hog connection to be paused');
    const hogConn = paused()!;
    // A client that reads everything, through the same amount of backpressure, is never cut off.
    const reader = await RawClient.connect(path);
    reader.write('{"command":"retrieve","data":{"key":"big"}}\n'.repeat(500));
    await waitFor(() => !server.connections.has(hogConn), 'the server to drop the stalled client', 15_000);
    // The hog sees the close once it reads what it was sent; it never got all its replies.
    hog.socket.resume();
    await hog.waitClosed(10_000);
    expect(hog.lines.length).toBeLessThan(500);
    await waitFor(() => reader.lines.length >= 500, 'all 500 replies to the reading client', 15_000);
    expect(reader.closed).toBe(false);
    expect(server.connections.size).toBe(2);
  });

  it('outputStallTimeoutMs 0 keeps a paused client paused, never disconnected', async () => {
    const { path, server } = await startServer({ outputHighWaterMark: 16 * 1024, outputStallTimeoutMs: 0 });
    const hog = await RawClient.connect(path);
    hog.socket.pause();
    hog.write(`{"command":"echo","data":{"message":"${'e'.repeat(4000)}"}}\n`.repeat(500));
    const conn = () => [...server.connections][0];
    await waitFor(() => conn()?.readingPaused === true, 'the hog connection to be paused');
    // Another client's whole round trips show the event loop has moved on while the hog stays paused.
    const other = await RawClient.connect(path);
    for (let i = 0; i < 20; i++) expect((await other.request({ command: 'ping' })).success).toBe(true);
    expect(hog.closed).toBe(false);
    expect(conn()?.readingPaused).toBe(true);
    hog.socket.resume();
    await waitFor(() => hog.lines.length >= 500, 'all 500 replies', 15_000);
  });

  it('connection limit: the extra client gets TOO_MANY_CONNECTIONS and is closed; a freed slot is reusable', async () => {
    const { path } = await startServer({ maxConnections: 2 });
    const a = await RawClient.connect(path);
    const b = await RawClient.connect(path);
    await a.request({ command: 'ping' });
    await b.request({ command: 'ping' });
    const extra = await RawClient.connect(path);
    await extra.waitClosed();
    expect(extra.lines).toHaveLength(1);
    expect(JSON.parse(extra.lines[0]!)).toMatchObject({
      success: false,
      error: { code: 'TOO_MANY_CONNECTIONS' },
    });
    a.socket.end();
    await a.waitClosed();
    let again: RawClient | undefined;
    // The server notices the freed slot when it sees the close; retry until it does.
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const candidate = await RawClient.connect(path);
      candidate.send({ command: 'ping', request_id: 'slot' });
      await waitFor(() => candidate.lines.length > 0 || candidate.closed, 'a reply or a close');
      if (candidate.lines.length > 0 && JSON.parse(candidate.lines[0]!).success) {
        again = candidate;
        break;
      }
    }
    expect(again).toBeDefined();
  });
});

describe('lifecycle', () => {
  it('the socket file gets mode 0660 by default, or the configured mode', async () => {
    const { statSync } = await import('node:fs');
    const { path } = await startServer();
    expect(statSync(path).mode & 0o777).toBe(0o660);
    const custom = await startServer({ socketMode: 0o600 });
    expect(statSync(custom.path).mode & 0o777).toBe(0o600);
  });

  it('close() answers a request in flight, sends SHUTTING_DOWN for later ones, removes the socket', async () => {
    const { existsSync } = await import('node:fs');
    const { server, path } = await startServer();
    const c = await RawClient.connect(path);
    const idle = await RawClient.connect(path);
    c.write(
      '{"command":"ping","request_id":"first"}\n{"command":"echo","request_id":"in-flight","data":{"mes',
    );
    await c.replies(1);
    const closed = server.close({ timeoutMs: 5000 });
    await idle.waitClosed();
    c.write('sage":"done"}}\n{"command":"ping","request_id":"late"}\n');
    const replies = await c.replies(2);
    expect(replies[0]).toMatchObject({ request_id: 'in-flight', success: true, data: { echo: 'done' } });
    expect(replies[1]).toMatchObject({
      request_id: 'late',
      success: false,
      error: { code: 'SHUTTING_DOWN' },
    });
    await c.waitClosed();
    await closed;
    expect(existsSync(path)).toBe(false);
    await expect(RawClient.connect(path)).rejects.toThrow();
    await server.close();
  });
});
