import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { request } from '../src/index.js';
import {
  logLines,
  openRaw,
  readUntilClose,
  spawnServer,
  spawnTs,
  startServer,
  tempDir,
  tempSocketPath,
  waitFor,
} from './helpers.js';

function portOf(stdout: string): number {
  const line = logLines(stdout).find((l) => String(l.msg).startsWith('Server running'));
  const match = /:(\d+)$/.exec(String(line?.address));
  if (!match?.[1]) throw new Error(`no address in ${stdout}`);
  return Number(match[1]);
}

describe('the server process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'unix mode: logs the spec lines; %s removes the socket file and exits 0',
    async (signal) => {
      const path = tempSocketPath();
      const server = await spawnServer(['--socket', 'unix', '--path', path]);
      expect(lstatSync(path).isSocket()).toBe(true);
      expect((await request({ socket: 'unix', path })).body).toBe('running');
      await waitFor(
        () => logLines(server.stdout()).some((l) => l.msg === 'New Unix domain socket connection'),
        'the connection log line',
      );
      const running = logLines(server.stdout()).find((l) => String(l.msg).startsWith('Server running'));
      expect(running?.msg).toBe(`Server running on unix:${path}`);
      server.child.kill(signal);
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(existsSync(path)).toBe(false);
      expect(server.stderr()).toBe('');
    },
  );

  it('tcp mode from env: logs "New TCP connection from <ip>:<port>", SIGTERM exits 0 and refuses new clients', async () => {
    const server = await spawnServer([], { HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', HTTP_SOCKET: 'tcp' });
    const port = portOf(server.stdout());
    expect((await request({ host: '127.0.0.1', port })).status).toBe(200);
    await waitFor(
      () =>
        logLines(server.stdout()).some((l) =>
          /^New TCP connection from 127\.0\.0\.1:\d+$/.test(String(l.msg)),
        ),
      'the TCP connection log line',
    );
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    await expect(request({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
  });

  it('SIGTERM with a request in flight: the reply is delivered, new clients refused, file removed, exit 0', async () => {
    const path = tempSocketPath();
    const server = await spawnServer(['--socket', 'unix', '--path', path]);
    const inFlight = await openRaw({ path });
    inFlight.write('GET / HTTP/1.1\r\nHost: x\r\n');
    await waitFor(
      () => logLines(server.stdout()).some((l) => l.msg === 'New Unix domain socket connection'),
      'the connection log line',
    );
    server.child.kill('SIGTERM');
    await waitFor(
      () => logLines(server.stdout()).some((l) => l.msg === 'shutting down'),
      'the shutdown log line',
    );
    await expect(request({ socket: 'unix', path })).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
    inFlight.write('\r\n');
    expect(await readUntilClose(inFlight)).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nrunning$/);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(path)).toBe(false);
  });

  it('a second instance on a live socket refuses to start (exit 1, one line); the first keeps serving', async () => {
    const path = tempSocketPath();
    const first = await spawnServer(['--socket', 'unix', '--path', path]);
    const second = spawnTs('src/main.ts', ['--socket', 'unix', '--path', path]);
    expect((await second.exited).code).toBe(1);
    expect(second.stderr()).toMatch(/^http-local-server: .*in use.*\n$/);
    expect(lstatSync(path).isSocket()).toBe(true);
    expect((await request({ socket: 'unix', path })).status).toBe(200);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(existsSync(path)).toBe(false);
  });

  it('a TCP port in use: exit 1 with one line naming the address, no stack trace', async () => {
    const { address } = await startServer('tcp');
    if (address.kind !== 'tcp') throw new Error('expected tcp');
    const proc = spawnTs('src/main.ts', ['--host', address.host, '--port', String(address.port)]);
    expect((await proc.exited).code).toBe(1);
    const lines = proc.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^http-local-server: /);
    expect(lines[0]).toContain(String(address.port));
    expect(logLines(proc.stdout()).filter((l) => l.level === 'error' || l.level === 50)).toEqual([]);
  });

  it('a start-up failure exits 1 with one line and leaves no socket file', async () => {
    const path = join(tempDir(), 'missing-dir', 's.sock');
    const proc = spawnTs('src/main.ts', ['--socket', 'unix', '--path', path]);
    expect((await proc.exited).code).toBe(1);
    expect(proc.stderr().trim().split('\n')).toHaveLength(1);
    expect(proc.stderr().startsWith('http-local-server: ')).toBe(true);
    expect(proc.stderr()).toContain(path);
    expect(existsSync(path)).toBe(false);
  });

  it.each([
    [['--socket', 'udp'], {}, '--socket'],
    [[], { HTTP_SOCKET: 'ipx' }, 'HTTP_SOCKET'],
    [['--socket-mode', '888'], {}, '--socket-mode'],
  ])('invalid config %j %j: one line naming the option, exit 2', async (args, env, name) => {
    const proc = spawnTs('src/main.ts', args, env);
    expect((await proc.exited).code).toBe(2);
    const lines = proc.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^http-local-server: /);
    expect(lines[0]).toContain(name);
    expect(proc.stderr()).not.toMatch(/\n\s+at /);
  });

  it('--help lists every option with its default and env var, exit 0', async () => {
    const proc = spawnTs('src/main.ts', ['--help']);
    expect((await proc.exited).code).toBe(0);
    const help = proc.stdout();
    for (const text of [
      '--socket',
      'HTTP_SOCKET',
      '--host',
      '--port',
      '8080',
      '--path',
      '/tmp/local_server.sock',
    ]) {
      expect(help).toContain(text);
    }
    for (const text of [
      '--headers-timeout',
      '--request-timeout',
      '--max-header-size',
      '16KiB',
      '--max-connections',
    ]) {
      expect(help).toContain(text);
    }
  });
});
