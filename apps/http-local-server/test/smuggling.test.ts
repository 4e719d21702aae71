import { connectionsReach } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { openRaw, rawExchange, readUntilClose, startServer } from './helpers.js';

/** The status line of a raw exchange. */
async function statusOf(target: Parameters<typeof rawExchange>[0], bytes: string): Promise<string> {
  const reply = await rawExchange(target, bytes);
  return reply.split('\r\n')[0] ?? '';
}

const BAD = 'HTTP/1.1 400 Bad Request';
const OK = 'HTTP/1.1 200 OK';

// Request-smuggling and framing classics (RFC 9112). Some are refused by Node's parser (llhttp) before a
// request object exists, the rest by the server's own checks; either way the answer is a clean status.
const REFUSED: ReadonlyArray<[string, string]> = [
  ['two Host headers', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
  ['two Host headers, same value', 'GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n'],
  ['a Host value with a space', 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n'],
  ['a Host value with userinfo', 'GET / HTTP/1.1\r\nHost: user@a\r\n\r\n'],
  ['a Host value with a path', 'GET / HTTP/1.1\r\nHost: a/b\r\n\r\n'],
  ['a Host port that is not digits', 'GET / HTTP/1.1\r\nHost: a:8o\r\n\r\n'],
  ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\n\r\n'],
  ['asterisk-form with GET', 'GET * HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['authority-form with GET', 'GET example.com:80 HTTP/1.1\r\nHost: x\r\n\r\n'],
  [
    'Content-Length and Transfer-Encoding',
    'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  ],
  [
    'two Content-Length values',
    'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
  ],
  ['a Content-Length list', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 1\r\n\r\na'],
  ['a signed Content-Length', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\na'],
  ['chunked not last', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n'],
  ['obs-fold', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n'],
  ['a header name with a space', 'GET / HTTP/1.1\r\nHost: x\r\nX A: a\r\n\r\n'],
  ['whitespace before the colon', 'GET / HTTP/1.1\r\nHost: x\r\nX-A : a\r\n\r\n'],
  ['a NUL in a header value', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n'],
  ['bare LF line ends', 'GET / HTTP/1.1\nHost: x\n\n'],
  ['the HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
];

describe.each(['tcp', 'unix'] as const)('request smuggling over %s', (kind) => {
  it.each(REFUSED)('%s: 400 and closed', async (_name, bytes) => {
    const { connectTo } = await startServer(kind);
    expect(await statusOf(connectTo, bytes)).toBe(BAD);
  });

  it('CONNECT gets 405 with Allow, then the connection closes', async () => {
    const { connectTo, server } = await startServer(kind);
    const reply = await rawExchange(
      connectTo,
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(reply).toContain('\r\nAllow: GET, HEAD\r\n');
    expect(reply).toContain('\r\nConnection: close\r\n');
    expect(reply.endsWith('\r\n\r\nMethod not allowed')).toBe(true);
    // The client saw the close; the server's own close event may come a moment later.
    await connectionsReach(server, 0, 'the CONNECT connection to be closed on the server');
    expect(server.connectionCount).toBe(0);
  });

  it('a CONNECT that keeps sending is still answered and closed', async () => {
    const { connectTo } = await startServer(kind);
    const client = await openRaw(connectTo);
    client.write('CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\ntunnelled bytes');
    expect(await readUntilClose(client)).toMatch(/^HTTP\/1\.1 405 /);
  });

  it('an HTTP version other than 1.x gets 505', async () => {
    const { connectTo } = await startServer(kind);
    expect(await statusOf(connectTo, 'GET / HTTP/2.0\r\nHost: x\r\n\r\n')).toBe(
      'HTTP/1.1 505 HTTP Version Not Supported',
    );
    expect(await statusOf(connectTo, 'GET /\r\n\r\n')).toBe('HTTP/1.1 505 HTTP Version Not Supported');
  });

  it('accepts what RFC 9112 allows: absolute-form, HTTP/1.0 without Host, empty Host, ports, IP literals', async () => {
    const { connectTo } = await startServer(kind);
    // An origin server must accept absolute-form (RFC 9112 section 3.2.2); this one ignores the target.
    expect(await statusOf(connectTo, 'GET http://elsewhere.example/x HTTP/1.1\r\nHost: x\r\n\r\n')).toBe(OK);
    expect(await statusOf(connectTo, 'GET / HTTP/1.0\r\n\r\n')).toBe(OK);
    expect(await statusOf(connectTo, 'GET / HTTP/1.1\r\nHost:\r\n\r\n')).toBe(OK);
    expect(await statusOf(connectTo, 'GET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n')).toBe(OK);
    expect(await statusOf(connectTo, 'GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n')).toBe(OK);
    expect(await statusOf(connectTo, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')).toBe(OK);
    expect(await statusOf(connectTo, 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n')).toBe(
      'HTTP/1.1 405 Method Not Allowed',
    );
  });

  it('close() drops a connection that never sent a byte at once', async () => {
    const { connectTo, server } = await startServer(kind);
    const silent = await openRaw(connectTo);
    const t0 = Date.now();
    await server.close({ timeoutMs: 10_000 });
    await silent.waitClosed();
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});
