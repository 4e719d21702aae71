import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTcpServer, type TestTcpServer } from '../src/index.js';

/** Connects to 127.0.0.1:`port`; resolves with what the server sends until it ends, or the error code. */
function exchange(port: number, send: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (t: string) => {
      text += t;
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    socket.on('end', () => resolve(text));
    socket.end(send);
  });
}

let earlier: TestTcpServer | undefined;

describe('startTcpServer', () => {
  it('hands each connection to onSocket on an ephemeral port', async () => {
    const srv = await startTcpServer((socket) => socket.pipe(socket));
    earlier = srv;
    expect(srv.port).toBeGreaterThan(0);
    expect(await exchange(srv.port, 'ping')).toBe('ping');
    expect(await exchange(srv.port, 'pong')).toBe('pong');
  });

  it('is closed, its connections destroyed, once the test that started it has ended', () => {
    expect(earlier?.server.listening).toBe(false);
    expect(earlier?.sockets.size).toBe(0);
  });
});
