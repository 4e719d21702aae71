import { connectionsReach, connectRaw, framings, scaled } from '@sockworks/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { defineRpcMethod } from '../src/server/methods/define.js';
import { methods } from '../src/server/methods/index.js';
import { captureLogger } from './capture-logger.js';
import {
  closeCodeIn,
  maskedFrame,
  openRaw,
  rawHandshake,
  startServer,
  upgradeStatus,
  waitFor,
} from './helpers.js';

describe('HTTP side', () => {
  it('an upgrade on another path gets 404; the right path with a query string upgrades', async () => {
    const { port } = await startServer();
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/nope`)).toBe(404);
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/`)).toBe(404);
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/ws?camera=1`)).toBe(101);
  });

  it('GET /healthz answers 200 with a small JSON status; other plain requests 426/404', async () => {
    const { port, url } = await startServer();
    const raw = await openRaw(url);
    await raw.request('{"jsonrpc":"2.0","method":"ping","id":1}');
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({ status: 'ok', connections: 1 });
    expect((await fetch(`http://127.0.0.1:${port}/ws`)).status).toBe(426);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('a header block over maxHeaderBytes gets 431, also on the upgrade path', async () => {
    const { port, url } = await startServer({ maxHeaderBytes: 4096 });
    const big = { 'x-padding': 'a'.repeat(8000) };
    expect((await fetch(`http://127.0.0.1:${port}/healthz`, { headers: big })).status).toBe(431);
    expect(await upgradeStatus(url, { headers: big })).toBe(431);
  });

  it('a slowloris client on the WebSocket port gets 408 and is closed; upgraded clients are exempt', async () => {
    const { port, url } = await startServer({
      headersTimeoutMs: 300,
      requestTimeoutMs: 600,
      timeoutCheckIntervalMs: 50,
    });
    const upgraded = await openRaw(url);
    const slow = await connectRaw(port, framings.bytes());
    const silent = await connectRaw(port, framings.bytes());
    slow.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n');
    let n = 0;
    // Each header line arrives well inside any idle timeout, so only the headers deadline can stop it.
    const drip = setInterval(() => {
      if (!slow.closed) slow.write(`X-Drip-${n++}: y\r\n`);
    }, 30);
    onTestFinished(() => clearInterval(drip));
    await slow.waitClosed();
    expect(slow.text('latin1')).toMatch(/^HTTP\/1\.1 408 /);
    await silent.waitClosed(); // connected, never sent a byte
    expect(silent.text('latin1')).toMatch(/^HTTP\/1\.1 408 /);
    // The upgraded client has been open longer than the headers timeout and is still served.
    expect(upgraded.ws.readyState).toBe(upgraded.ws.OPEN);
    expect(await upgraded.request('{"jsonrpc":"2.0","method":"ping","id":1}')).toMatchObject({
      result: 'pong',
    });
    expect(await upgradeStatus(url)).toBe(101);
  });

  it('permessage-deflate is not negotiated even when the client offers it', async () => {
    const { url } = await startServer();
    const raw = await openRaw(url, { perMessageDeflate: true });
    expect(raw.ws.extensions).toBe('');
    expect(await raw.request('{"jsonrpc":"2.0","method":"ping","id":1}')).toMatchObject({ result: 'pong' });
  });

  it('a custom path is honoured', async () => {
    const { port } = await startServer({ path: '/rpc' });
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/rpc`)).toBe(101);
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/ws`)).toBe(404);
  });
});

describe('framing limits', () => {
  it('a message over maxPayload closes with 1009; exactly maxPayload is answered', async () => {
    const { url } = await startServer({ maxPayload: 1024 });
    const ok = await openRaw(url);
    const base = '{"jsonrpc":"2.0","method":"ping","id":"';
    const exact = `${base}${'a'.repeat(1024 - base.length - 2)}"}`;
    expect(Buffer.byteLength(exact)).toBe(1024);
    expect(await ok.request(exact)).toMatchObject({ result: 'pong' });

    const raw = await openRaw(url);
    raw.ws.send(`${base}${'a'.repeat(1024)}"}`);
    expect((await raw.closed).code).toBe(1009);
  });

  it('invalid UTF-8 in a text frame closes with 1007', async () => {
    const { port } = await startServer();
    const raw = await rawHandshake(port);
    raw.socket.write(maskedFrame(0x1, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])));
    await raw.closed;
    expect(closeCodeIn(raw.received())).toBe(1007);
  });

  it('UTF-8 split across fragments is reassembled and answered', async () => {
    const { port } = await startServer();
    const raw = await rawHandshake(port);
    const text = Buffer.from('{"jsonrpc":"2.0","method":"ping","id":"é€"}');
    const cut = text.indexOf(0xe2) + 1; // inside the three-byte "€"
    const first = maskedFrame(0x1, text.subarray(0, cut));
    first[0] = 0x01; // text, FIN clear
    raw.socket.write(first);
    raw.socket.write(maskedFrame(0x0, text.subarray(cut)));
    await waitFor(() => raw.received().includes('pong'), 5000, 'the reply');
    expect(raw.received().toString()).toContain('"id":"é€"');
  });
});

describe('clients that stop reading', () => {
  const blob = defineRpcMethod({
    description: 'Test method: a large reply.',
    handler: () => 'x'.repeat(100 * 1024),
  });

  it('is terminated once its output queue passes the cap; other clients keep working', async () => {
    const capture = captureLogger('warn');
    const { port, url, server } = await startServer({
      methods: { ...methods, blob },
      maxBufferedBytes: 256 * 1024,
      logger: capture.logger,
    });
    const raw = await rawHandshake(port);
    raw.socket.pause(); // never read: the replies pile up in the kernel, then in the server
    await connectionsReach(server, 1, 'the connection');
    const requests = Array.from({ length: 400 }, (_, i) =>
      maskedFrame(0x1, Buffer.from(`{"jsonrpc":"2.0","method":"blob","id":${i}}`)),
    );
    raw.socket.write(Buffer.concat(requests));
    await connectionsReach(server, 0, 'the non-reading client to be cut off', scaled(15_000));
    expect(capture.lines().some((l) => String(l.msg).includes('output queue over the cap'))).toBe(true);

    const other = await openRaw(url);
    expect(await other.request('{"jsonrpc":"2.0","method":"ping","id":1}')).toMatchObject({ result: 'pong' });
  });

  it('a burst of replies larger than the cap to a client that reads is not mistaken for a backlog', async () => {
    const capture = captureLogger('warn');
    const { port, server } = await startServer({
      methods: { ...methods, blob },
      maxBufferedBytes: 256 * 1024,
      logger: capture.logger,
    });
    const raw = await rawHandshake(port);
    await connectionsReach(server, 1, 'the connection');
    const requests = Array.from({ length: 20 }, (_, i) =>
      maskedFrame(0x1, Buffer.from(`{"jsonrpc":"2.0","method":"blob","id":${i}}`)),
    );
    raw.socket.write(Buffer.concat(requests)); // one write: the server handles all 20 in one burst
    await waitFor(() => raw.received().length >= 20 * 100 * 1024, 15_000, 'all 20 replies');
    expect(server.connectionCount).toBe(1);
    expect(capture.lines().some((l) => String(l.msg).includes('over the cap'))).toBe(false);
  });

  it('a client reading slower than the server writes is paused and resumed, not cut off, below the cap', async () => {
    const capture = captureLogger('debug');
    const { url } = await startServer({
      methods: { ...methods, blob },
      maxBufferedBytes: 64 * 1024 * 1024,
      logger: capture.logger,
    });
    const raw = await openRaw(url, { maxPayload: 1024 * 1024 });
    for (let i = 0; i < 60; i++) raw.ws.send(`{"jsonrpc":"2.0","method":"blob","id":${i}}`);
    for (let i = 0; i < 60; i++) {
      const reply = JSON.parse(await raw.next(15_000)) as { id: number; result: string };
      expect(reply.id).toBe(i);
      expect(reply.result).toHaveLength(100 * 1024);
    }
    // The input was paused at least once and resumed (or the replies above could not all have arrived).
    expect(capture.lines().some((l) => String(l.msg).includes('pausing its input'))).toBe(true);
    expect(await raw.request('{"jsonrpc":"2.0","method":"ping","id":"end"}')).toMatchObject({
      result: 'pong',
    });
  });
});

describe('connections', () => {
  it('holds 1000 concurrent connections, each pinging', { timeout: scaled(60_000) }, async () => {
    const { url, server } = await startServer();
    const clients = await Promise.all(Array.from({ length: 1000 }, () => openRaw(url)));
    expect(server.connectionCount).toBe(1000);
    const replies = await Promise.all(
      clients.map((c, i) => c.request(`{"jsonrpc":"2.0","method":"ping","id":${i}}`)),
    );
    replies.forEach((reply, i) => {
      expect(reply).toEqual({ jsonrpc: '2.0', result: 'pong', id: i });
    });
    for (const c of clients) c.ws.close();
    await connectionsReach(server, 0, 'all clients to disconnect', scaled(30_000));
  });

  it('refuses the connection over the limit with 503 before upgrading; a freed slot is reusable', async () => {
    const { url, server } = await startServer({ maxConnections: 2 });
    const a = await openRaw(url);
    await openRaw(url);
    expect(await upgradeStatus(url)).toBe(503);
    a.ws.close();
    await connectionsReach(server, 1, 'the slot to free');
    expect(await upgradeStatus(url)).toBe(101);
  });

  it('heartbeat: a client that does not answer pings is terminated, one that does stays', async () => {
    const { url } = await startServer({ heartbeatIntervalMs: 50 });
    const silent = await openRaw(url, { autoPong: false });
    const healthy = await openRaw(url);
    let pings = 0;
    healthy.ws.on('ping', () => {
      pings++;
    });
    expect((await silent.closed).code).toBe(1006);
    await waitFor(() => pings >= 4, 5000, 'four heartbeats');
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    expect(await healthy.request('{"jsonrpc":"2.0","method":"ping","id":1}')).toMatchObject({
      result: 'pong',
    });
  });
});

describe('security options', () => {
  it('bearer token: missing or wrong -> 401 before upgrading, right -> connected', async () => {
    const { url } = await startServer({ authToken: 's3cret' });
    expect(await upgradeStatus(url)).toBe(401);
    expect(await upgradeStatus(url, { headers: { Authorization: 'Bearer nope' } })).toBe(401);
    expect(await upgradeStatus(url, { headers: { Authorization: 's3cret' } })).toBe(401);
    const raw = await openRaw(url, { headers: { Authorization: 'Bearer s3cret' } });
    expect(await raw.request('{"jsonrpc":"2.0","method":"ping","id":1}')).toMatchObject({ result: 'pong' });
  });

  it('allowed origins: another Origin -> 403, a listed one or none -> connected', async () => {
    const { url } = await startServer({ allowedOrigins: ['https://camera.example'] });
    expect(await upgradeStatus(url, { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(url, { origin: 'https://CAMERA.example' })).toBe(101);
    expect(await upgradeStatus(url)).toBe(101);
  });
});

describe('close()', () => {
  it('delivers the reply to a request in flight, then 1001; new connections are refused', async () => {
    let started = (): void => {};
    const inHandler = new Promise<void>((resolve) => {
      started = resolve;
    });
    let finish = (_value: string): void => {};
    const slow = defineRpcMethod({
      handler: () =>
        new Promise<string>((resolve) => {
          finish = resolve;
          started();
        }),
    });
    const { url, server } = await startServer({ methods: { ...methods, slow }, closeTimeoutMs: 5000 });
    const raw = await openRaw(url);
    const events: string[] = [];
    raw.ws.on('message', (data) => {
      const reply = JSON.parse(String(data)) as { id: unknown; result: unknown };
      events.push(`reply ${String(reply.id)} ${String(reply.result)}`);
    });
    raw.ws.on('close', (code) => events.push(`close ${code}`));
    raw.ws.send('{"jsonrpc":"2.0","method":"slow","id":1}');
    await inHandler;
    const closing = server.close();
    await expect(upgradeStatus(url)).rejects.toThrow(/ECONNREFUSED/);
    finish('done');
    expect((await raw.closed).code).toBe(1001);
    await closing;
    expect(events).toEqual(['reply 1 done', 'close 1001']);
  });

  it('sends 1001 to every client, terminates one that does not answer after the grace, is idempotent', async () => {
    const { url, port, server } = await startServer({ closeTimeoutMs: 300 });
    const a = await openRaw(url);
    const b = await openRaw(url);
    const mute = await rawHandshake(port); // reads, but never answers the close frame
    await connectionsReach(server, 3, 'three connections');
    const first = server.close();
    const second = server.close();
    expect(second).toBe(first);
    expect((await a.closed).code).toBe(1001);
    expect((await b.closed).code).toBe(1001);
    await first;
    await mute.closed;
    expect(closeCodeIn(mute.received())).toBe(1001);
    expect(server.connectionCount).toBe(0);
  });
});
