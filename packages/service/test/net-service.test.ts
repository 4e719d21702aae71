import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@sockworks/logging';
import { connectionsReach, openRawSocket } from '@sockworks/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type ConnectionHandle, NetService, type NetServiceOptions } from '../src/index.js';
import { connectTo, readAll, readUntil, tempSocketPath, waitFor } from './helpers.js';

/** A line protocol for tests: `work` waits for the test to release it, anything else is echoed. */
class TestConnection implements ConnectionHandle {
  readonly socket: Socket;
  inFlight = 0;
  shuttingDown = false;
  readonly release: Array<() => void>;
  readonly ignoreShutdown: boolean;

  constructor(socket: Socket, release: Array<() => void>, ignoreShutdown = false) {
    this.socket = socket;
    this.release = release;
    this.ignoreShutdown = ignoreShutdown;
    socket.setEncoding('utf8');
    socket.write('hello\n');
    socket.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) this.#handle(line);
    });
  }

  #handle(line: string): void {
    if (line !== 'work') {
      this.socket.write(`echo ${line}\n`);
      return;
    }
    this.inFlight++;
    this.release.push(() => {
      this.inFlight--;
      this.socket.write('work done\n');
      if (this.shuttingDown && this.inFlight === 0) this.socket.end('bye\n');
    });
  }

  shutdown(): void {
    if (this.ignoreShutdown) return;
    this.shuttingDown = true;
    if (this.inFlight === 0) this.socket.end('bye\n');
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function makeService(
  options: Partial<NetServiceOptions<TestConnection>> & { ignoreShutdown?: boolean } = {},
): { service: NetService<TestConnection>; release: Array<() => void> } {
  const release: Array<() => void> = [];
  const service = new NetService<TestConnection>({
    createConnection: (socket) => new TestConnection(socket, release, options.ignoreShutdown),
    rejectConnection: (socket) => socket.write('error too many connections\n'),
    ...options,
  });
  onTestFinished(() => service.close({ timeoutMs: 0 }));
  return { service, release };
}

describe('NetService', () => {
  it('listens on TCP port 0 and hands connections to createConnection with a context', async () => {
    const contexts: Array<{ id: number; remote: string }> = [];
    const { service } = makeService({
      createConnection: (socket, ctx) => {
        contexts.push({ id: ctx.id, remote: ctx.remote });
        return new TestConnection(socket, []);
      },
    });
    const address = await service.listen({ host: '127.0.0.1', port: 0 });
    expect(service.address).toEqual(address);
    const client = await connectTo(address);
    client.write('abc\n');
    expect(await readUntil(client, 'echo abc\n')).toBe('hello\necho abc\n');
    expect(contexts).toEqual([{ id: 1, remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }]);
    expect(service.connections.size).toBe(1);
  });

  it('gives each connection a child logger carrying conn and remote', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logger = createLogger({ service: 'test', level: 'info', pretty: false, destination });
    const { service } = makeService({
      logger,
      createConnection: (socket, ctx) => {
        ctx.logger.info('accepted');
        expect(ctx.logger).toBe(ctx.logger);
        return new TestConnection(socket, []);
      },
    });
    const address = await service.listen({ host: '127.0.0.1', port: 0 });
    const client = await connectTo(address);
    await readUntil(client, 'hello\n');
    const entry = JSON.parse(lines.find((line) => line.includes('"accepted"')) ?? '{}') as Record<
      string,
      unknown
    >;
    expect(entry).toMatchObject({
      conn: 1,
      remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      msg: 'accepted',
    });
  });

  it('refuses a second listen()', async () => {
    const { service } = makeService();
    await service.listen({ host: '127.0.0.1', port: 0 });
    await expect(service.listen({ host: '127.0.0.1', port: 0 })).rejects.toMatchObject({
      code: 'SERVER_CLOSED',
    });
  });

  it('sends the excess connection the app error, closes it, and reuses a freed slot', async () => {
    const { service } = makeService({ maxConnections: 2 });
    const address = await service.listen({ host: '127.0.0.1', port: 0 });
    const a = await connectTo(address);
    await readUntil(a, 'hello\n');
    const b = await connectTo(address);
    await readUntil(b, 'hello\n');

    const c = await connectTo(address);
    expect(await readAll(c)).toBe('error too many connections\n');
    expect(service.connections.size).toBe(2);

    a.end();
    await connectionsReach(service, 1, 'slot to be freed');
    const d = await connectTo(address);
    d.write('again\n');
    expect(await readUntil(d, 'echo again\n')).toBe('hello\necho again\n');
    expect(service.connections.size).toBe(2);
  });

  it('refuses exactly the connections over the limit under a burst, without a log line per refusal', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logger = createLogger({ service: 'test', level: 'warn', pretty: false, destination });
    const { service } = makeService({ maxConnections: 40, logger });
    const address = await service.listen({ host: '127.0.0.1', port: 0 });
    const clients = await Promise.all(Array.from({ length: 60 }, () => connectTo(address)));
    const firstLines = await Promise.all(
      clients.map((client) => readUntil(client, '\n').then((text) => text.split('\n')[0])),
    );
    expect(firstLines.filter((line) => line === 'hello')).toHaveLength(40);
    expect(firstLines.filter((line) => line === 'error too many connections')).toHaveLength(20);
    const limitLines = lines.filter((line) => line.includes('connection limit reached'));
    expect(limitLines.length).toBeGreaterThanOrEqual(1);
    expect(limitLines.length).toBeLessThan(20);
  });

  it('destroys a refused connection that never reads after the grace period', async () => {
    const { service } = makeService({ maxConnections: 0, rejectGraceMs: 50, rejectConnection: () => {} });
    const address = await service.listen({ host: '127.0.0.1', port: 0 });
    const client = await connectTo(address);
    client.socket.pause();
    await client.waitClosed();
  });

  it('close() lets in-flight work finish and deliver its reply, then resolves', async () => {
    const { service, release } = makeService();
    const address = await service.listen({ host: '127.0.0.1', port: 0 });
    const client = await connectTo(address);
    client.write('work\n');
    await waitFor(() => release.length === 1, 5000, 'work to start');

    let done = false;
    const closing = service.close({ timeoutMs: 10_000 }).then(() => {
      done = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    release[0]?.();
    await closing;
    expect(await readAll(client)).toBe('hello\nwork done\nbye\n');
    expect(service.connections.size).toBe(0);
    expect(service.server.listening).toBe(false);
  });

  it('close() is idempotent: the same promise every time', async () => {
    const { service } = makeService();
    await service.listen({ host: '127.0.0.1', port: 0 });
    const first = service.close();
    expect(service.close()).toBe(first);
    expect(service.close({ timeoutMs: 1 })).toBe(first);
    await first;
    expect(service[Symbol.asyncDispose]()).toBe(first);
  });

  it('close() on a service that never listened resolves', async () => {
    const { service } = makeService();
    await service.close();
  });

  it('destroys connections that ignore shutdown() once the deadline passes', async () => {
    const { service } = makeService({ ignoreShutdown: true });
    const address = await service.listen({ host: '127.0.0.1', port: 0 });
    const client = await connectTo(address);
    await readUntil(client, 'hello\n');
    await service.close({ timeoutMs: 50 });
    await client.waitClosed();
    expect(service.connections.size).toBe(0);
  });

  it('uses closeTimeoutMs as the default deadline', async () => {
    const { service } = makeService({ ignoreShutdown: true, closeTimeoutMs: 30 });
    const address = await service.listen({ host: '127.0.0.1', port: 0 });
    const client = await connectTo(address);
    await readUntil(client, 'hello\n');
    await service.close();
    await client.waitClosed();
  });

  it('refuses new connections while closing and removes the socket file at once', async () => {
    const path = tempSocketPath();
    const { service } = makeService({ ignoreShutdown: true });
    const address = await service.listen({ path });
    const client = await connectTo(address);
    await readUntil(client, 'hello\n');
    const closing = service.close({ timeoutMs: 60_000 });
    expect(existsSync(path)).toBe(false);
    await expect(openRawSocket({ path })).rejects.toMatchObject({ code: 'ENOENT' });
    client.end();
    await closing;
  });

  it('refuses TCP connections while closing', async () => {
    const { service } = makeService({ ignoreShutdown: true });
    const address = await service.listen({ host: '127.0.0.1', port: 0 });
    const client = await connectTo(address);
    await readUntil(client, 'hello\n');
    const closing = service.close({ timeoutMs: 60_000 });
    if (address.kind !== 'tcp') throw new Error('tcp expected');
    const refused = await new Promise<string>((resolve) => {
      const late = connect({ host: address.host, port: address.port });
      late.once('connect', () => {
        late.once('close', () => resolve('closed by server'));
        late.resume();
      });
      late.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(['ECONNREFUSED', 'ECONNRESET', 'closed by server']).toContain(refused);
    expect(service.connections.size).toBe(1);
    client.end();
    await closing;
  });

  it('applies socketMode to a Unix socket and unlinks it after close', async () => {
    const path = tempSocketPath();
    const { service } = makeService({ socketMode: 0o600 });
    await service.listen({ path });
    const { statSync } = await import('node:fs');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await service.close();
    expect(existsSync(path)).toBe(false);
  });

  it('closes a socket whose createConnection throws and keeps serving', async () => {
    let calls = 0;
    const { service } = makeService({
      createConnection: (socket) => {
        calls++;
        if (calls === 1) throw new Error('app bug');
        return new TestConnection(socket, []);
      },
    });
    const address = await service.listen({ host: '127.0.0.1', port: 0 });
    const first = await connectTo(address);
    await first.waitClosed();
    const second = await connectTo(address);
    expect(await readUntil(second, 'hello\n')).toBe('hello\n');
    expect(service.connections.size).toBe(1);
  });

  it('survives a client that resets its connection', async () => {
    const { service } = makeService();
    const address = await service.listen({ host: '127.0.0.1', port: 0 });
    const client = await connectTo(address);
    await readUntil(client, 'hello\n');
    client.socket.resetAndDestroy();
    await connectionsReach(service, 0, 'reset connection to be dropped');
  });

  it('reports each connection added and removed, and waitForConnections resolves on the events', async () => {
    const { service } = makeService({ maxConnections: 1 });
    const events: string[] = [];
    service.onConnections('add', (conn, count) =>
      events.push(`add ${count} ${service.connections.has(conn)}`),
    );
    const offDelete = service.onConnections('delete', (conn, count) =>
      events.push(`delete ${count} ${service.connections.has(conn)}`),
    );
    const address = await service.listen({ host: '127.0.0.1', port: 0 });
    const one = service.waitForConnections(1);
    const client = await connectTo(address);
    await one;
    expect(service.connections.size).toBe(1);
    const refused = await connectTo(address); // over the limit: refused, never tracked
    await readAll(refused);
    client.end();
    await service.waitForConnections(0);
    offDelete();
    expect(events).toEqual(['add 1 true', 'delete 0 false']);
  });

  it('close() during listen() waits for the bind, closes it, and listen() rejects', async () => {
    const path = tempSocketPath();
    const { service } = makeService();
    const listening = service.listen({ path });
    const closing = service.close();
    await expect(listening).rejects.toMatchObject({ code: 'SERVER_CLOSED' });
    await closing;
    expect(service.server.listening).toBe(false);
    expect(existsSync(path)).toBe(false);
    await expect(service.listen({ path })).rejects.toMatchObject({ code: 'SERVER_CLOSED' });
  });

  it('reports IPv4 peers of a dual-stack listener without the ::ffff: prefix', async () => {
    const remotes: string[] = [];
    const { service } = makeService({
      createConnection: (socket, ctx) => {
        remotes.push(ctx.remote);
        return new TestConnection(socket, []);
      },
    });
    const address = await service.listen({ port: 0 });
    if (address.kind !== 'tcp') throw new Error('tcp expected');
    const client = await connectTo({ kind: 'tcp', host: '127.0.0.1', port: address.port, family: 'IPv4' });
    await readUntil(client, 'hello\n');
    expect(remotes[0]).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  // Also guards the Unix default backlog: with Node's 511, bursts like these fail with EAGAIN.
  it('accepts bursts of 1000 Unix connections and drains them all on close()', async () => {
    const path = tempSocketPath();
    const { service } = makeService({ maxConnections: 1000 });
    const address = await service.listen({ path });
    const clients = [];
    for (let batch = 0; batch < 10; batch++) {
      clients.push(...(await Promise.all(Array.from({ length: 100 }, () => connectTo(address)))));
    }
    await connectionsReach(service, 1000, '1000 connections');
    await service.close({ timeoutMs: 10_000 });
    const texts = await Promise.all(clients.map((client) => readAll(client)));
    expect(texts.every((text) => text.endsWith('bye\n'))).toBe(true);
    expect(service.connections.size).toBe(0);
    expect(existsSync(path)).toBe(false);
  });

  it('logs server errors (EMFILE on accept) without crashing, at most one line a second', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logger = createLogger({ service: 'test', level: 'error', pretty: false, destination });
    const { service } = makeService({ logger });
    await service.listen({ host: '127.0.0.1', port: 0 });
    const emfile = Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' });
    for (let i = 0; i < 5; i++) service.server.emit('error', emfile);
    const errors = lines.filter((line) => line.includes('"msg":"server error"'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('EMFILE');
    expect(service.server.listening).toBe(true);
  });

  it('closes at the end of an `await using` block', async () => {
    const path = tempSocketPath();
    let server: NetService<TestConnection>['server'] | undefined;
    {
      await using service = new NetService<TestConnection>({
        createConnection: (socket) => new TestConnection(socket, []),
      });
      server = service.server;
      await service.listen({ path });
      expect(existsSync(path)).toBe(true);
    }
    expect(server.listening).toBe(false);
    expect(existsSync(path)).toBe(false);
  });
});
