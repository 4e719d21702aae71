import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createHttpServer, get } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolError, ServiceErrorCode } from '@sockworks/error-codes';
import { describe, expect, it, onTestFinished } from 'vitest';
import { formatAddress, listen, MAX_UNIX_SOCKET_PATH_BYTES, prepareUnixSocketPath } from '../src/index.js';
import { connectTo, readUntil, tempSocketPath } from './helpers.js';

function echoServer(): Server {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return server;
}

async function rejection(promise: Promise<unknown>): Promise<ProtocolError> {
  try {
    await promise;
  } catch (err) {
    if (ProtocolError.is(err)) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('listen on TCP', () => {
  it('resolves with the real port when asked for port 0', async () => {
    const server = echoServer();
    const address = await listen(server, { host: '127.0.0.1', port: 0 });
    expect(address).toMatchObject({ kind: 'tcp', host: '127.0.0.1', family: 'IPv4' });
    if (address.kind !== 'tcp') throw new Error('tcp expected');
    expect(address.port).toBeGreaterThan(0);
    expect(formatAddress(address)).toBe(`127.0.0.1:${address.port}`);
    const socket = await connectTo(address);
    socket.write('ping');
    expect(await readUntil(socket, 'ping')).toBe('ping');
  });

  it('formats IPv6 addresses in brackets', () => {
    expect(formatAddress({ kind: 'tcp', host: '::1', port: 80, family: 'IPv6' })).toBe('[::1]:80');
    expect(formatAddress({ kind: 'unix', path: '/tmp/x.sock' })).toBe('unix:/tmp/x.sock');
  });

  it('turns EADDRINUSE into ADDRESS_IN_USE with a one-line message naming the address', async () => {
    const first = echoServer();
    const address = await listen(first, { host: '127.0.0.1', port: 0 });
    if (address.kind !== 'tcp') throw new Error('tcp expected');
    const second = echoServer();
    const err = await rejection(listen(second, { host: '127.0.0.1', port: address.port }));
    expect(err.code).toBe(ServiceErrorCode.ADDRESS_IN_USE);
    expect(err.message).toBe(`address 127.0.0.1:${address.port} is already in use`);
    expect(err.message).not.toContain('\n');
  });

  it('rejects an invalid port with INVALID_CONFIG', async () => {
    const err = await rejection(listen(echoServer(), { port: 70000 }));
    expect(err.code).toBe(ServiceErrorCode.INVALID_CONFIG);
  });

  it('works for http.Server', async () => {
    const server = createHttpServer((_req, res) => res.end('ok'));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const address = await listen(server, { host: '127.0.0.1', port: 0 });
    if (address.kind !== 'tcp') throw new Error('tcp expected');
    const body = await new Promise<string>((resolve, reject) => {
      get({ host: '127.0.0.1', port: address.port, path: '/', agent: false }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(body).toBe('ok');
  });
});

describe('listen on a Unix socket', () => {
  it('listens, sets mode 0660 by default and unlinks the file on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 's.sock');
    const server = createServer((socket) => socket.end('hi'));
    const address = await listen(server, { path });
    expect(address).toEqual({ kind: 'unix', path });
    expect(readdirSync(dir)).toEqual(['s.sock']);
    expect(lstatSync(path).isSocket()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o660);
    const socket = await connectTo(address);
    expect(await readUntil(socket, 'hi')).toBe('hi');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('applies a custom mode', async () => {
    const path = tempSocketPath();
    const server = echoServer();
    await listen(server, { path, mode: 0o600 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('refuses a path over 107 bytes before touching the filesystem', async () => {
    const path = join(tmpdir(), `${'x'.repeat(120)}.sock`);
    const err = await rejection(listen(echoServer(), { path }));
    expect(err.code).toBe(ServiceErrorCode.SOCKET_PATH_TOO_LONG);
    expect(err.message).toContain(String(MAX_UNIX_SOCKET_PATH_BYTES));
    expect(existsSync(path)).toBe(false);
  });

  it('accepts a path of exactly 107 bytes', async () => {
    const prefix = join(tmpdir(), 'sw-');
    const path = `${prefix}${'y'.repeat(MAX_UNIX_SOCKET_PATH_BYTES - Buffer.byteLength(prefix) - 5)}.sock`;
    expect(Buffer.byteLength(path)).toBe(MAX_UNIX_SOCKET_PATH_BYTES);
    onTestFinished(() => {
      if (existsSync(path)) writeFileSync(path, '');
    });
    const server = echoServer();
    await listen(server, { path });
    expect(lstatSync(path).isSocket()).toBe(true);
  });

  it('counts bytes, not characters, against the limit', async () => {
    const path = join(tmpdir(), `${'é'.repeat(50)}.sock`);
    expect(path.length).toBeLessThanOrEqual(MAX_UNIX_SOCKET_PATH_BYTES);
    const err = await rejection(prepareUnixSocketPath(path));
    expect(err.code).toBe(ServiceErrorCode.SOCKET_PATH_TOO_LONG);
  });

  it('unlinks a stale socket file and starts', async () => {
    const path = tempSocketPath();
    // A server killed with SIGKILL leaves its socket file behind with nobody accepting on it.
    const { spawnSync } = await import('node:child_process');
    const script = `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
    spawnSync(process.execPath, ['-e', script]);
    expect(lstatSync(path).isSocket()).toBe(true);
    const server = createServer((socket) => socket.end('fresh'));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await listen(server, { path });
    const socket = await connectTo({ kind: 'unix', path });
    expect(await readUntil(socket, 'fresh')).toBe('fresh');
  });

  it('refuses to start when a live server owns the path, and leaves it working', async () => {
    const path = tempSocketPath();
    const live = createServer((socket) => {
      socket.on('error', () => {});
      socket.end('live');
    });
    onTestFinished(() => new Promise<void>((resolve) => live.close(() => resolve())));
    await listen(live, { path });
    const before = lstatSync(path);

    const second = echoServer();
    const err = await rejection(listen(second, { path }));
    expect(err.code).toBe(ServiceErrorCode.ADDRESS_IN_USE);
    expect(err.message).toContain(path);
    expect(second.listening).toBe(false);
    const after = lstatSync(path);
    expect(after.ino).toBe(before.ino);
    const socket = await connectTo({ kind: 'unix', path });
    expect(await readUntil(socket, 'live')).toBe('live');
  });

  it('two servers racing for one path: exactly one wins, the other gets ADDRESS_IN_USE', async () => {
    const path = tempSocketPath();
    const servers = [echoServer(), echoServer(), echoServer()];
    const results = await Promise.allSettled(servers.map((server) => listen(server, { path })));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    for (const r of lost) expect(r.reason).toMatchObject({ code: ServiceErrorCode.ADDRESS_IN_USE });
    const winner = servers[results.findIndex((r) => r.status === 'fulfilled')];
    expect(winner?.listening).toBe(true);
    expect(servers.filter((server) => server.listening)).toHaveLength(1);
    const socket = await connectTo({ kind: 'unix', path });
    socket.write('race');
    expect(await readUntil(socket, 'race')).toBe('race');
  });

  it('refuses a regular file at the path and leaves it', async () => {
    const path = tempSocketPath();
    writeFileSync(path, 'precious data');
    const err = await rejection(listen(echoServer(), { path }));
    expect(err.code).toBe(ServiceErrorCode.SOCKET_PATH_NOT_SOCKET);
    expect(readFileSync(path, 'utf8')).toBe('precious data');
  });

  it('does not unlink a file that replaced our socket', async () => {
    const path = tempSocketPath();
    const server = echoServer();
    await listen(server, { path });
    const { unlinkSync } = await import('node:fs');
    unlinkSync(path);
    writeFileSync(path, 'someone else');
    chmodSync(path, 0o644);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(readFileSync(path, 'utf8')).toBe('someone else');
  });
});

describe('listen errors', () => {
  it('names a missing socket directory', async () => {
    const path = join(tmpdir(), `sw-missing-${process.pid}`, 's.sock');
    await expect(listen(createServer(), { path })).rejects.toThrow(
      `cannot listen on unix:${path}: directory ${join(tmpdir(), `sw-missing-${process.pid}`)} does not exist`,
    );
  });

  it('listens on a Linux abstract socket name without touching the filesystem', async () => {
    const name = `\0sw-abstract-${process.pid}-${Date.now()}`;
    const server = echoServer();
    const address = await listen(server, { path: name });
    expect(address).toEqual({ kind: 'unix', path: name });
    const socket = await connectTo(address);
    socket.write('abstract');
    expect(await readUntil(socket, 'abstract')).toBe('abstract');
  });
});
