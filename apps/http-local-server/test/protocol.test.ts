import { describe, expect, it } from 'vitest';
import { formatResponse, request } from '../src/index.js';
import { clientTargetOf, rawExchange, startServer } from './helpers.js';

const OK =
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\nConnection: close\r\n\r\nrunning';
const OK_HEAD =
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\nConnection: close\r\n\r\n';
const NOT_ALLOWED =
  'HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain\r\nContent-Length: 18\r\nAllow: GET, HEAD\r\n' +
  'Connection: close\r\n\r\nMethod not allowed';

describe.each(['tcp', 'unix'] as const)('over %s', (kind) => {
  describe('with the exported client', () => {
    it('GET on any path answers 200 running with the spec headers', async () => {
      const { address } = await startServer(kind);
      for (const target of ['/', '/status', '/a/b?c=d']) {
        const res = await request({ ...clientTargetOf(address), target });
        expect(res.status).toBe(200);
        expect(res.statusMessage).toBe('OK');
        expect(res.body).toBe('running');
        expect(res.rawHeaders).toEqual([
          'Content-Type',
          'text/plain',
          'Content-Length',
          '7',
          'Connection',
          'close',
        ]);
        expect(res.headers['content-type']).toBe('text/plain');
      }
    });

    it('HEAD answers the same headers without a body', async () => {
      const { address } = await startServer(kind);
      const res = await request({ ...clientTargetOf(address), method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers['content-length']).toBe('7');
      expect(res.body).toBe('');
    });

    it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('%s answers 405 with Allow', async (method) => {
      const { address } = await startServer(kind);
      const res = await request({ ...clientTargetOf(address), method });
      expect(res.status).toBe(405);
      expect(res.body).toBe('Method not allowed');
      expect(res.headers.allow).toBe('GET, HEAD');
      expect(res.headers.connection).toBe('close');
    });

    it('formats the response like the spec client', async () => {
      const { address } = await startServer(kind);
      const res = await request(clientTargetOf(address));
      expect(formatResponse(res)).toBe(
        'HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 7\nConnection: close\n\nrunning',
      );
    });
  });

  describe('with raw sockets', () => {
    it('GET: exact bytes, then the server closes', async () => {
      const { connectTo } = await startServer(kind);
      expect(await rawExchange(connectTo, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')).toBe(OK);
      expect(await rawExchange(connectTo, 'GET /anything HTTP/1.0\r\n\r\n')).toBe(OK);
    });

    it('HEAD: headers only', async () => {
      const { connectTo } = await startServer(kind);
      expect(await rawExchange(connectTo, 'HEAD / HTTP/1.1\r\nHost: x\r\n\r\n')).toBe(OK_HEAD);
    });

    it.each(['POST', 'PUT', 'DELETE'])('%s: 405', async (method) => {
      const { connectTo } = await startServer(kind);
      const reply = await rawExchange(
        connectTo,
        `${method} /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello`,
      );
      expect(reply).toBe(NOT_ALLOWED);
    });

    it('answers a keep-alive client once and closes (Connection: close)', async () => {
      const { connectTo } = await startServer(kind);
      const reply = await rawExchange(
        connectTo,
        'GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n',
      );
      expect(reply).toBe(OK);
    });

    it('serves many concurrent clients', async () => {
      const { connectTo } = await startServer(kind);
      const replies = await Promise.all(
        Array.from({ length: 50 }, () => rawExchange(connectTo, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')),
      );
      expect(new Set(replies)).toEqual(new Set([OK]));
    });
  });
});
