import { connectionsReach } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { request } from '../src/index.js';
import { clientTargetOf, openRaw, rawExchange, readUntilClose, startServer } from './helpers.js';

const GET = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
const OK_PREFIX = 'HTTP/1.1 200 OK\r\n';

describe.each(['tcp', 'unix'] as const)('hardening over %s', (kind) => {
  it('cuts off a slowloris client at the headers timeout; other clients are unaffected', async () => {
    const { connectTo, address } = await startServer(kind, {
      headersTimeoutMs: 400,
      requestTimeoutMs: 2_000,
      timeoutCheckIntervalMs: 50,
    });
    const slow = await openRaw(connectTo);
    slow.write('GET / HTTP/1.1\r\nHost: x\r\n');
    let n = 0;
    // Each header line arrives well inside any idle timeout, so only the headers deadline can stop it.
    const drip = setInterval(() => {
      if (!slow.closed) slow.write(`X-Drip-${n++}: y\r\n`);
    }, 50);
    try {
      // While the slow client drips, normal clients are served.
      for (let i = 0; i < 3; i++) {
        const res = await request(clientTargetOf(address));
        expect(res.status).toBe(200);
      }
      const reply = await readUntilClose(slow);
      expect(reply.startsWith('HTTP/1.1 408 Request Timeout\r\n')).toBe(true);
      expect(slow.closed).toBe(true);
      expect(n).toBeGreaterThan(2);
    } finally {
      clearInterval(drip);
    }
    expect((await request(clientTargetOf(address))).status).toBe(200);
  });

  it('closes a connection that never sends anything after the headers timeout', async () => {
    const { connectTo, server } = await startServer(kind, {
      headersTimeoutMs: 300,
      requestTimeoutMs: 1_000,
      timeoutCheckIntervalMs: 50,
    });
    const idle = await openRaw(connectTo);
    expect((await readUntilClose(idle)).startsWith('HTTP/1.1 408')).toBe(true);
    await connectionsReach(server, 0, 'the idle connection to be dropped');
  });

  it('a body that never ends does not hold the connection: 405 at once, then closed', async () => {
    // Default (30 s) request timeout: the close must come from the answer, not from a timeout.
    const { connectTo, server } = await startServer(kind);
    const slow = await openRaw(connectTo);
    slow.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n');
    // A body byte every 50 ms: the connection is never idle and the body never ends.
    const drip = setInterval(() => {
      if (!slow.closed) slow.write('x');
    }, 50);
    try {
      expect(await readUntilClose(slow)).toMatch(
        /^HTTP\/1\.1 405 Method Not Allowed\r\n[\s\S]*\r\n\r\nMethod not allowed$/,
      );
    } finally {
      clearInterval(drip);
    }
    await connectionsReach(server, 0, 'the connection to be dropped');
  });

  it('answers oversize headers with 431 and keeps serving', async () => {
    const { connectTo } = await startServer(kind, { maxHeaderBytes: 1024 });
    const big = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(2048)}\r\n\r\n`;
    const reply = await rawExchange(connectTo, big);
    expect(reply).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(reply).toContain('Connection: close');
    // Just under the limit is accepted.
    const fits = `GET / HTTP/1.1\r\nHost: x\r\nX-Fit: ${'a'.repeat(900)}\r\n\r\n`;
    expect((await rawExchange(connectTo, fits)).startsWith(OK_PREFIX)).toBe(true);
  });

  it('answers the default 16 KiB limit: 20 KiB of headers get 431', async () => {
    const { connectTo } = await startServer(kind);
    const reply = await rawExchange(
      connectTo,
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(reply.startsWith('HTTP/1.1 431 ')).toBe(true);
  });

  it.each([
    ['garbage', 'BLAH\r\n\r\n'],
    ['invalid method token', 'G@T / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['bad HTTP version', 'GET / HTTP/9.9x\r\nHost: x\r\n\r\n'],
    ['header without colon', 'GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n'],
    ['space before colon', 'GET / HTTP/1.1\r\nHost : x\r\n\r\n'],
    ['control character in header value', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n'],
    [
      'conflicting Content-Length and Transfer-Encoding',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    ['missing Host on HTTP/1.1', 'GET / HTTP/1.1\r\n\r\n'],
    ['binary junk', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a])],
  ])('answers a malformed request (%s) with 400 and closes', async (_name, bytes) => {
    const { connectTo, address } = await startServer(kind);
    const reply = await rawExchange(connectTo, bytes);
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect((await request(clientTargetOf(address))).status).toBe(200);
  });

  it('a client that resets mid-request does not disturb the server', async () => {
    const { connectTo, address } = await startServer(kind);
    for (let i = 0; i < 5; i++) {
      const client = await openRaw(connectTo);
      client.write('GET / HTTP/1.1\r\nHo');
      // A TCP RST where the transport has one; a Unix socket can only be closed abruptly.
      if (kind === 'tcp') client.socket.resetAndDestroy();
      else client.destroy();
    }
    expect((await request(clientTargetOf(address))).status).toBe(200);
  });

  it('refuses connections past the limit with 503 and reuses freed slots', async () => {
    const { connectTo, address, server } = await startServer(kind, {
      maxConnections: 2,
      rejectGraceMs: 2_000,
    });
    const a = await openRaw(connectTo);
    const b = await openRaw(connectTo);
    await connectionsReach(server, 2, 'two tracked connections');
    const refused = await rawExchange(connectTo, GET);
    expect(refused).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(refused).not.toContain('running');
    const viaClient = await request(clientTargetOf(address));
    expect(viaClient.status).toBe(503);
    // Free one slot: a new client is served again.
    a.write(GET);
    b.destroy();
    await connectionsReach(server, 0, 'both slots to be freed');
    expect((await rawExchange(connectTo, GET)).startsWith(OK_PREFIX)).toBe(true);
  });
});
