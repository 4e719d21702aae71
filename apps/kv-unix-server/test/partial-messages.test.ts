import { connectionsReach, drip } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { RawClient, startServer } from './helpers.js';

describe('unfinished request lines are bounded (issue 14, item 4)', () => {
  it('a line dripped byte by byte gets MESSAGE_TIMEOUT the message timeout after its first byte, then a close', async () => {
    const { server, path } = await startServer({ messageTimeoutMs: 400 });
    const idle = await RawClient.connect(path);
    const c = await RawClient.connect(path);
    expect(await c.request({ command: 'ping', request_id: 'before' })).toMatchObject({ success: true });
    const started = Date.now();
    // Every byte arrives well within the timeout; the deadline still counts from the first one.
    drip(c, `{"command":"echo","data":{"message":"${'x'.repeat(1000)}"}}\n`, 20);
    await c.waitClosed(5000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(380);
    expect(elapsed).toBeLessThan(3000);
    const replies = c.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ success: false, error: { code: 'MESSAGE_TIMEOUT' } });
    // An idle connection holds no partial bytes: untouched by the deadline.
    expect(idle.closed).toBe(false);
    expect(await idle.request({ command: 'ping' })).toMatchObject({ success: true });
    await connectionsReach(server, 1, 'the timed-out connection to leave');
  });

  it('a client that keeps completing requests is never cut off, even when every chunk ends mid-line', async () => {
    const { path } = await startServer({ messageTimeoutMs: 300 });
    const c = await RawClient.connect(path);
    const stream = '{"command":"ping"}\n'.repeat(40); // 19-byte lines
    // 10 bytes, then 19-byte chunks every 25 ms: each chunk completes a line and ends inside the next,
    // so the decoder is never empty between chunks over 1 s, three message timeouts.
    c.write(stream.slice(0, 10));
    for (let i = 10; i < stream.length; i += 19) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      c.write(stream.slice(i, i + 19));
    }
    const replies = await c.replies(40);
    expect(replies.every((r) => r.success === true)).toBe(true);
    expect(c.closed).toBe(false);
  });

  it('partial lines over the server-wide budget: the connection that passes it gets PARTIAL_BUDGET_EXCEEDED and a close', async () => {
    const { server, path } = await startServer({ partialBudgetBytes: 1000 });
    const a = await RawClient.connect(path);
    const b = await RawClient.connect(path);
    const c = await RawClient.connect(path);
    a.write(`{"command":"echo","data":{"message":"${'a'.repeat(400)}`);
    b.write(`{"command":"echo","data":{"message":"${'b'.repeat(400)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    c.write(`{"command":"echo","data":{"message":"${'c'.repeat(400)}`);
    await c.waitClosed(5000);
    expect(c.lines.map((l) => JSON.parse(l) as unknown)).toMatchObject([
      { success: false, error: { code: 'PARTIAL_BUDGET_EXCEEDED' } },
    ]);
    // The others keep their partial lines and finish them normally.
    a.write('"}}\n');
    b.write('"}}\n');
    expect((await a.replies(1))[0]).toMatchObject({ success: true });
    expect((await b.replies(1))[0]).toMatchObject({ success: true });
    expect(server.connections.size).toBe(2);
  });

  it('close() still answers a line half received at shutdown', async () => {
    const { server, path } = await startServer({ messageTimeoutMs: 5000 });
    const c = await RawClient.connect(path);
    // The ping's reply proves the half line that came with it has been received.
    c.write('{"command":"ping"}\n{"command":"echo","request_id":"half","data":{"mes');
    await c.replies(1);
    const idle = await RawClient.connect(path);
    const closed = server.close({ timeoutMs: 5000 });
    await idle.waitClosed(); // shutdown has begun
    c.write('sage":"done"}}\n');
    expect((await c.replies(1))[0]).toMatchObject({ request_id: 'half', data: { echo: 'done' } });
    await c.waitClosed();
    await closed;
  });
});
