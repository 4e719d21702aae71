import { existsSync } from 'node:fs';
import {
  Agent,
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
} from 'node:http';
import { connectionsReach } from '@sockworks/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type BoundAddress, closeHttpServer, trackHttpServer } from '../src/index.js';
import { connectTo, readAll, readUntil, tempSocketPath } from './helpers.js';

function get(
  address: BoundAddress,
  path: string,
  agent?: Agent,
): Promise<{ res: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    const target =
      address.kind === 'unix' ? { socketPath: address.path } : { host: address.host, port: address.port };
    const req = httpRequest({ ...target, path, agent: agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ res, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An HTTP server whose `/slow` responds only when the test calls `release()`. */
function slowServer(): { server: Server; release: () => void; started: Promise<void>; handled: string[] } {
  const handled: string[] = [];
  let release = (): void => {};
  let markStarted = (): void => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const server = createHttpServer((req, res) => {
    handled.push(req.url ?? '');
    if (req.url === '/slow') {
      markStarted();
      release = () => res.end('slow done');
      return;
    }
    res.end('ok');
  });
  return { server, release: () => release(), started, handled };
}

describe('trackHttpServer', () => {
  it('reports sockets added and removed, and waitForConnections resolves on the events', async () => {
    const tracked = trackHttpServer(createHttpServer((_req, res) => res.end('ok')));
    onTestFinished(() => tracked.close({ timeoutMs: 0 }));
    const events: string[] = [];
    tracked.onConnections('add', (_socket, count) => events.push(`add ${count}`));
    tracked.onConnections('delete', (_socket, count) => events.push(`delete ${count}`));
    const address = await tracked.listen({ host: '127.0.0.1', port: 0 });
    const socket = await connectTo(address);
    await tracked.waitForConnections(1);
    socket.destroy();
    await tracked.waitForConnections(0);
    expect(events).toEqual(['add 1', 'delete 0']);
  });

  it('serves, counts sockets and refuses the excess with 503', async () => {
    const { server, handled } = slowServer();
    const tracked = trackHttpServer(server, { maxConnections: 1 });
    onTestFinished(() => tracked.close({ timeoutMs: 0 }));
    const address = await tracked.listen({ host: '127.0.0.1', port: 0 });
    expect(tracked.address).toEqual(address);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => agent.destroy());
    expect((await get(address, '/', agent)).body).toBe('ok');
    expect(tracked.connections.size).toBe(1);

    const extra = await connectTo(address);
    // The refused socket's request must never reach the app's handler.
    extra.write('GET /counted HTTP/1.1\r\nHost: x\r\n\r\n');
    const reply = await readAll(extra);
    expect(handled).not.toContain('/counted');
    expect(reply).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(reply).toContain('Too many connections');

    agent.destroy();
    await connectionsReach(tracked, 0, 'keep-alive socket to close');
    expect((await get(address, '/')).body).toBe('ok');
  });

  it('close() lets an in-flight request finish, closes idle keep-alive sockets, removes the socket file', async () => {
    const path = tempSocketPath();
    const { server, release, started } = slowServer();
    const tracked = trackHttpServer(server);
    const address = await tracked.listen({ path });
    const agent = new Agent({ keepAlive: true });
    onTestFinished(() => agent.destroy());
    await get(address, '/', agent);
    const idleSockets = tracked.connections.size;
    expect(idleSockets).toBe(1);

    const slow = get(address, '/slow');
    await started;
    const closing = tracked.close({ timeoutMs: 10_000 });
    expect(tracked.close()).toBe(closing);
    expect(existsSync(path)).toBe(false);
    await connectionsReach(tracked, 1, 'idle keep-alive socket to be closed');
    release();
    const { res, body } = await slow;
    expect(body).toBe('slow done');
    expect(res.headers.connection).toBe('close');
    await closing;
    expect(tracked.connections.size).toBe(0);
    expect(server.listening).toBe(false);
  });

  it('close() destroys a connection that never sent a byte at once instead of waiting out the grace', async () => {
    const { server, release, started } = slowServer();
    const tracked = trackHttpServer(server);
    const address = await tracked.listen({ host: '127.0.0.1', port: 0 });
    const silent = await connectTo(address);
    await connectionsReach(tracked, 1, 'the silent socket to be accepted');
    const slow = get(address, '/slow');
    await started;
    const t0 = Date.now();
    const closing = tracked.close({ timeoutMs: 10_000 });
    // Only the request in flight deserves the grace; the silent socket goes at once.
    await silent.waitClosed();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(tracked.connections.size).toBe(1);
    release();
    expect((await slow).body).toBe('slow done');
    await closing;
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it('close() with only a silent connection resolves at once', async () => {
    const tracked = trackHttpServer(createHttpServer((_req, res) => res.end('ok')));
    const address = await tracked.listen({ host: '127.0.0.1', port: 0 });
    const silent = await connectTo(address);
    onTestFinished(() => void silent.destroy());
    await connectionsReach(tracked, 1, 'the silent socket to be accepted');
    const t0 = Date.now();
    await tracked.close({ timeoutMs: 5_000 });
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it('calls onShutdown and destroys sockets (also upgraded ones) at the deadline', async () => {
    const server = createHttpServer();
    server.on('upgrade', (_req, socket) => {
      socket.on('error', () => {});
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n');
    });
    let onShutdown = 0;
    const tracked = trackHttpServer(server, { onShutdown: () => void onShutdown++ });
    const address = await tracked.listen({ host: '127.0.0.1', port: 0 });
    const client = await connectTo(address);
    client.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n');
    await readUntil(client, '\r\n\r\n');
    await tracked.close({ timeoutMs: 50 });
    await client.waitClosed();
    expect(onShutdown).toBe(1);
    expect(tracked.connections.size).toBe(0);
  });

  it('refuses connections while closing', async () => {
    const { server, release, started } = slowServer();
    const tracked = trackHttpServer(server);
    const address = await tracked.listen({ host: '127.0.0.1', port: 0 });
    const slow = get(address, '/slow');
    await started;
    const closing = tracked.close({ timeoutMs: 10_000 });
    await expect(get(address, '/')).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNREFUSED|ECONNRESET/),
    });
    release();
    await slow;
    await closing;
  });
});

describe('closeHttpServer', () => {
  it('drains in-flight requests, is idempotent, resolves after close', async () => {
    const { server, release, started } = slowServer();
    const tracked = trackHttpServer(server);
    const address = await tracked.listen({ host: '127.0.0.1', port: 0 });
    const slow = get(address, '/slow');
    await started;
    const closing = closeHttpServer(server, { timeoutMs: 10_000 });
    expect(closeHttpServer(server)).toBe(closing);
    release();
    expect((await slow).body).toBe('slow done');
    await closing;
    expect(server.listening).toBe(false);
  });

  it('destroys requests that outlive the deadline', async () => {
    const { server, started } = slowServer();
    const tracked = trackHttpServer(server);
    const address = await tracked.listen({ host: '127.0.0.1', port: 0 });
    const slow = get(address, '/slow');
    await started;
    await closeHttpServer(server, { timeoutMs: 30 });
    await expect(slow).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('resolves for a server that never listened', async () => {
    await closeHttpServer(createHttpServer(), { timeoutMs: 10 });
  });
});
