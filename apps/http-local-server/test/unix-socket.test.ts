import { existsSync, lstatSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { connectRaw, framings, spawnTracked } from '@sockworks/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createHttpLocalServer, type HttpLocalServer, request } from '../src/index.js';
import { tempDir, tempSocketPath, waitFor } from './helpers.js';

function nextServerSocket(server: HttpLocalServer): Promise<Socket> {
  return new Promise((resolve) => server.server.once('connection', resolve));
}

function waitForBytesRead(socket: Socket): Promise<void> {
  return waitFor(() => socket.bytesRead > 0, 'the server to read the partial request');
}

/** Leaves a socket file with no process behind it: a listener killed with SIGKILL cannot unlink. */
async function makeStaleSocket(path: string): Promise<void> {
  const child = spawnTracked(
    process.execPath,
    ['-e', "require('node:net').createServer().listen(process.argv[1], () => console.log('ready'))", path],
    { label: 'a listener on the stale socket' },
  );
  await child.waitForOutput('ready', { stream: 'stdout' });
  child.signal('SIGKILL');
  await child.exited;
}

function startOn(options: { socketMode?: number } = {}): HttpLocalServer {
  const server = createHttpLocalServer(options);
  onTestFinished(() => server.close({ timeoutMs: 100 }));
  return server;
}

describe('Unix socket file handling', () => {
  it('replaces a stale socket file and serves', async () => {
    const path = tempSocketPath();
    await makeStaleSocket(path);
    expect(lstatSync(path).isSocket()).toBe(true);
    const server = startOn();
    await server.listen({ path });
    expect((await request({ socket: 'unix', path })).body).toBe('running');
  });

  it('refuses to start when a live server owns the path, and leaves that server alone', async () => {
    const path = tempSocketPath();
    const first = startOn();
    await first.listen({ path });
    const second = startOn();
    await expect(second.listen({ path })).rejects.toMatchObject({ code: 'ADDRESS_IN_USE' });
    expect(lstatSync(path).isSocket()).toBe(true);
    expect((await request({ socket: 'unix', path })).status).toBe(200);
  });

  it('refuses a path that is not a socket and leaves the file untouched', async () => {
    const path = join(tempDir(), 'regular.txt');
    writeFileSync(path, 'keep me');
    const server = startOn();
    await expect(server.listen({ path })).rejects.toMatchObject({ code: 'SOCKET_PATH_NOT_SOCKET' });
    expect(readFileSync(path, 'utf8')).toBe('keep me');
  });

  it('refuses a path over 107 bytes', async () => {
    const path = join(tempDir(), `${'x'.repeat(120)}.sock`);
    const server = startOn();
    await expect(server.listen({ path })).rejects.toMatchObject({ code: 'SOCKET_PATH_TOO_LONG' });
    expect(existsSync(path)).toBe(false);
  });

  it('applies mode 0660 by default and a configured mode otherwise', async () => {
    const a = tempSocketPath();
    await startOn().listen({ path: a });
    expect(statSync(a).mode & 0o777).toBe(0o660);
    const b = tempSocketPath();
    await startOn({ socketMode: 0o600 }).listen({ path: b });
    expect(statSync(b).mode & 0o777).toBe(0o600);
  });

  it('removes the socket file on close, and close is idempotent', async () => {
    const path = tempSocketPath();
    const server = startOn();
    await server.listen({ path });
    expect(existsSync(path)).toBe(true);
    const closing = server.close();
    expect(server.close()).toBe(closing);
    await closing;
    expect(existsSync(path)).toBe(false);
  });

  it('close() lets a request in flight finish, destroys what is left at the deadline', async () => {
    const path = tempSocketPath();
    const server = startOn();
    await server.listen({ path });
    const serverSide = nextServerSocket(server);
    const client = await connectRaw({ path }, framings.bytes());
    client.write('GET / HTTP/1.1\r\nHost: x\r\n');
    // Once the server has read the partial head, the request is in flight (not an idle connection).
    await waitForBytesRead(await serverSide);
    const closing = server.close({ timeoutMs: 5_000 });
    client.write('\r\n');
    await client.waitClosed();
    await closing;
    expect(client.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*running$/);
    expect(existsSync(path)).toBe(false);

    // A client that never finishes its request is destroyed at the deadline.
    const stuck = startOn();
    await stuck.listen({ path });
    const stuckSide = nextServerSocket(stuck);
    const slow = await connectRaw({ path }, framings.bytes());
    slow.write('GET / HTTP/1.1\r\n');
    await waitForBytesRead(await stuckSide);
    await stuck.close({ timeoutMs: 100 });
    await slow.waitClosed();
    expect(existsSync(path)).toBe(false);
  });
});
