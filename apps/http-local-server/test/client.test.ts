import type { Socket } from 'node:net';
import { ClientErrorCode, ProtocolError } from '@sockworks/error-codes';
import { startTcpServer } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { describeTarget, RequestError, request } from '../src/index.js';
import { tempSocketPath } from './helpers.js';

/** A raw TCP server that reacts to each connection with `onSocket`; closed after the test. */
async function rawServer(onSocket: (socket: Socket) => void): Promise<number> {
  return (await startTcpServer(onSocket)).port;
}

describe('request()', () => {
  it('fails with CONNECT_FAILED when nothing listens', async () => {
    const path = tempSocketPath();
    const err = await request({ socket: 'unix', path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestError);
    // A ProtocolError with the shared client code, so callers can check it like any other error.
    expect(ProtocolError.is(err)).toBe(true);
    expect(err).toMatchObject({ code: ClientErrorCode.CONNECT_FAILED });
  });

  it('fails with REQUEST_TIMEOUT when the server never answers', async () => {
    const port = await rawServer(() => {});
    await expect(request({ host: '127.0.0.1', port, timeoutMs: 200 })).rejects.toMatchObject({
      code: 'REQUEST_TIMEOUT',
    });
  });

  it('fails with RESPONSE_TOO_LARGE past maxBodyBytes', async () => {
    const port = await rawServer((socket) => {
      socket.end(`HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n${'x'.repeat(5000)}`);
    });
    await expect(request({ host: '127.0.0.1', port, maxBodyBytes: 1000 })).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
    });
  });

  it('fails with CONNECTION_CLOSED when the server hangs up mid-response', async () => {
    const port = await rawServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort'));
    });
    await expect(request({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it('describes targets for messages', () => {
    expect(describeTarget()).toBe('localhost:8080');
    expect(describeTarget({ socket: 'unix' })).toBe('unix:/tmp/local_server.sock');
  });
});
