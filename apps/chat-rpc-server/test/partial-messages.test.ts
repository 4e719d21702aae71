import { connectionsReach, drip } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { RawClient, startServer } from './helpers.js';

const ping = (pad: string) => `{"method":"ping","params":{"pad":"${pad}"}}`;

describe('unfinished requests are bounded (issue 14, item 4)', () => {
  it('a request dripped byte by byte gets MESSAGE_TIMEOUT the message timeout after its first byte, then a close', async () => {
    const { server, port } = await startServer({ messageTimeoutMs: 400 });
    const idle = await RawClient.connect(port);
    const c = await RawClient.connect(port);
    expect(await c.request({ method: 'ping' })).toMatchObject({ status: 'success' });
    const started = Date.now();
    // Every byte arrives well within the timeout; the deadline still counts from the first one.
    drip(c, ping('x'.repeat(1000)), 20);
    expect(await c.next(5000)).toMatchObject({ code: -32011 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(380);
    expect(elapsed).toBeLessThan(3000);
    await c.waitClosed(5000);
    expect(c.unread()).toEqual([]);
    // An idle connection holds no partial request: untouched by the deadline.
    expect(idle.closed).toBe(false);
    expect(await idle.request({ method: 'ping' })).toMatchObject({ status: 'success' });
    await connectionsReach(server, 1, 'the timed-out connection to leave');
  });

  it('a JSON-RPC 2.0 client gets the timeout as an error response with id null', async () => {
    const { port } = await startServer({ messageTimeoutMs: 200 });
    const c = await RawClient.connect(port);
    expect(await c.request({ jsonrpc: '2.0', method: 'ping', id: 1 })).toMatchObject({ id: 1 });
    c.write('{"jsonrpc":"2.0","method":"pi');
    await c.waitClosed(5000);
    expect(c.unread()).toMatchObject([{ jsonrpc: '2.0', error: { code: -32011 }, id: null }]);
  });

  it('a client that keeps completing requests is never cut off, even when every chunk ends mid-request', async () => {
    const { port } = await startServer({ messageTimeoutMs: 300 });
    const c = await RawClient.connect(port);
    const one = '{"method":"ping"}';
    const stream = one.repeat(40);
    // Half a request, then request-sized chunks every 25 ms: each completes one and ends inside the
    // next, so the decoder is never empty between chunks for 1 s, three message timeouts.
    const half = Math.floor(one.length / 2);
    c.write(stream.slice(0, half));
    for (let i = half; i < stream.length; i += one.length) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      c.write(stream.slice(i, i + one.length));
    }
    for (let i = 0; i < 40; i++) expect(await c.next()).toMatchObject({ status: 'success' });
    expect(c.closed).toBe(false);
  });

  it('partial requests over the server-wide budget: the connection that passes it gets PARTIAL_BUDGET_EXCEEDED and a close', async () => {
    const { server, port } = await startServer({ partialBudgetBytes: 1000 });
    const [a, b, c] = (await Promise.all([0, 1, 2].map(() => RawClient.connect(port)))) as [
      RawClient,
      RawClient,
      RawClient,
    ];
    a.write(ping('a'.repeat(400)).slice(0, 420));
    b.write(ping('b'.repeat(400)).slice(0, 420));
    await new Promise((resolve) => setTimeout(resolve, 50));
    c.write(ping('c'.repeat(400)).slice(0, 420));
    await c.waitClosed(5000);
    expect(c.unread()).toMatchObject([{ code: -32012 }]);
    // The others keep their partial requests and finish them normally.
    a.write(ping('a'.repeat(400)).slice(420));
    b.write(ping('b'.repeat(400)).slice(420));
    expect(await a.next()).toMatchObject({ status: 'success' });
    expect(await b.next()).toMatchObject({ status: 'success' });
    expect(server.connectionCount).toBe(2);
  });
});
