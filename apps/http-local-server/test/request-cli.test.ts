import { createServer, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { spawnTs, startServer, tempSocketPath } from './helpers.js';

describe('http-local-request', () => {
  it('prints the raw response of a TCP GET and exits 0', async () => {
    const { address } = await startServer('tcp');
    if (address.kind !== 'tcp') throw new Error('expected tcp');
    const proc = spawnTs('src/cli/request.ts', ['--host', address.host, '--port', String(address.port)]);
    expect((await proc.exited).code).toBe(0);
    expect(proc.stdout()).toBe(
      'HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 7\nConnection: close\n\nrunning\n',
    );
  });

  it('speaks to the Unix socket with --socket unix (path from env), HEAD prints no body', async () => {
    const { address } = await startServer('unix');
    if (address.kind !== 'unix') throw new Error('expected unix');
    const proc = spawnTs('src/cli/request.ts', ['--socket', 'unix', '-X', 'HEAD'], {
      HTTP_SOCKET_PATH: address.path,
    });
    expect((await proc.exited).code).toBe(0);
    expect(proc.stdout()).toBe(
      'HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 7\nConnection: close\n\n\n',
    );
  });

  it('takes the method, target and timeout from HTTP_METHOD, HTTP_TARGET and HTTP_CLIENT_TIMEOUT', async () => {
    // A server that records the request line and never answers: the timeout must end the client.
    const sockets = new Set<Socket>();
    let gotRequestLine: (line: string) => void = () => {};
    const requestLine = new Promise<string>((resolve) => {
      gotRequestLine = resolve;
    });
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket
        .setEncoding('latin1')
        .once('data', (text: string) => gotRequestLine(text.split('\r\n')[0] ?? ''));
    });
    onTestFinished(() => {
      for (const socket of sockets) socket.destroy();
      server.close();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const proc = spawnTs('src/cli/request.ts', ['--host', '127.0.0.1', '--port', String(address.port)], {
      HTTP_METHOD: 'DELETE',
      HTTP_TARGET: '/x?y=1',
      HTTP_CLIENT_TIMEOUT: '300ms',
    });
    expect((await proc.exited).code).toBe(3);
    expect(await requestLine).toBe('DELETE /x?y=1 HTTP/1.1');
    expect(proc.stderr()).toContain('within 300 ms');
  });

  it('exits 1 on a non-2xx status and still prints the response', async () => {
    const { address } = await startServer('unix');
    if (address.kind !== 'unix') throw new Error('expected unix');
    const proc = spawnTs('src/cli/request.ts', [
      '--socket',
      'unix',
      '--path',
      address.path,
      '--method',
      'POST',
    ]);
    expect((await proc.exited).code).toBe(1);
    expect(proc.stdout()).toMatch(
      /^HTTP\/1\.1 405 Method Not Allowed\n[\s\S]*Allow: GET, HEAD\n[\s\S]*\n\nMethod not allowed\n$/,
    );
  });

  it('exits 3 with one line when it cannot connect', async () => {
    const path = tempSocketPath();
    const proc = spawnTs('src/cli/request.ts', ['--socket', 'unix', '--path', path]);
    expect((await proc.exited).code).toBe(3);
    expect(proc.stdout()).toBe('');
    expect(proc.stderr()).toBe(`http-local-request: cannot connect to unix:${path}: ENOENT\n`);
  });

  it('exits 2 with one line on an invalid --socket', async () => {
    const proc = spawnTs('src/cli/request.ts', ['--socket', 'pipe']);
    expect((await proc.exited).code).toBe(2);
    expect(proc.stderr()).toMatch(/^http-local-request: --socket: .*tcp, unix\n$/);
  });

  it('--help lists the options and exit codes', async () => {
    const proc = spawnTs('src/cli/request.ts', ['--help']);
    expect((await proc.exited).code).toBe(0);
    for (const text of [
      '--socket',
      '--host',
      '--port',
      '--path',
      '--method',
      '--target',
      '--timeout',
      'HTTP_SOCKET_PATH',
      'env: HTTP_METHOD',
      'env: HTTP_TARGET',
      'env: HTTP_CLIENT_TIMEOUT',
    ]) {
      expect(proc.stdout()).toContain(text);
    }
  });
});
