import { connectionsReach, drip } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { frame, RawClient, startServer } from './helpers.js';

const bigEcho = (fill: string, n: number) => frame({ type: 'echo', content: fill.repeat(n) });

describe('unfinished frames are bounded (issue 14, item 4)', () => {
  it('a frame dripped byte by byte gets MESSAGE_TIMEOUT the message timeout after its first byte, heartbeat on, then a close', async () => {
    const { server, port } = await startServer({
      messageTimeoutMs: 400,
      heartbeatIntervalMs: 50,
      heartbeatTimeoutMs: 2000,
    });
    const idle = await RawClient.connect(port);
    const c = await RawClient.connect(port);
    expect(await c.request({ type: 'ping' })).toMatchObject({ type: 'pong' });
    const before = c.frames.length;
    const started = Date.now();
    // Each byte keeps the heartbeat satisfied; the deadline still counts from the first one.
    drip(c, bigEcho('x', 1000), 20);
    await c.waitClosed(5000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(380);
    expect(elapsed).toBeLessThan(3000);
    const errors = c.frames.slice(before).filter((f) => f.type === 'error');
    expect(errors).toMatchObject([{ type: 'error', code: 'MESSAGE_TIMEOUT' }]);
    // An idle connection holds no partial frame: only the heartbeat concerns it.
    expect(idle.closed).toBe(false);
    expect(await idle.request({ type: 'ping' })).toMatchObject({ type: 'pong' });
    await connectionsReach(server, 1, 'the timed-out connection to leave');
  });

  it('a client that keeps completing frames is never cut off, even when every chunk ends mid-frame', async () => {
    // A 1 s timeout, so a stall of this (shared, busy) process up to ~1 s between two chunks cannot
    // cut a frame off; 130 chunks 25 ms apart keep the decoder busy for over three timeouts.
    const { port } = await startServer({ messageTimeoutMs: 1000 });
    const c = await RawClient.connect(port);
    const one = frame({ type: 'ping' });
    const stream = Buffer.concat(Array.from({ length: 130 }, () => one));
    // Half a frame, then whole-frame-sized chunks every 25 ms: each completes a frame and ends inside
    // the next, so the decoder is never empty between chunks for 3.25 s, three message timeouts.
    const half = Math.floor(one.length / 2);
    c.write(stream.subarray(0, half));
    for (let i = half; i < stream.length; i += one.length) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      c.write(stream.subarray(i, i + one.length));
    }
    const frames = await c.waitFrames(130);
    expect(frames.every((f) => f.type === 'pong')).toBe(true);
    expect(c.closed).toBe(false);
  });

  it('partial frames over the server-wide budget: the connection that passes it gets PARTIAL_BUDGET_EXCEEDED and a close', async () => {
    const { server, port } = await startServer({ partialBudgetBytes: 1000 });
    const frames = ['a', 'b', 'c'].map((fill) => bigEcho(fill, 400));
    const clients = await Promise.all([0, 1, 2].map(() => RawClient.connect(port)));
    const [a, b, c] = clients as [RawClient, RawClient, RawClient];
    a.write(frames[0]!.subarray(0, 420));
    b.write(frames[1]!.subarray(0, 420));
    await new Promise((resolve) => setTimeout(resolve, 50));
    c.write(frames[2]!.subarray(0, 420));
    await c.waitClosed(5000);
    expect(c.frames).toMatchObject([{ type: 'error', code: 'PARTIAL_BUDGET_EXCEEDED' }]);
    // The others keep their partial frames and finish them normally.
    a.write(frames[0]!.subarray(420));
    b.write(frames[1]!.subarray(420));
    expect((await a.waitFrames(1))[0]).toMatchObject({ type: 'echo_response' });
    expect((await b.waitFrames(1))[0]).toMatchObject({ type: 'echo_response' });
    expect(server.connections.size).toBe(2);
  });

  it('close() still answers a frame half received at shutdown', async () => {
    const { server, port } = await startServer({ messageTimeoutMs: 5000 });
    const c = await RawClient.connect(port);
    const echo = frame({ type: 'echo', content: 'done' });
    // The pong proves the half frame sent with the ping has been received.
    c.write(Buffer.concat([frame({ type: 'ping' }), echo.subarray(0, 10)]));
    await c.waitFrames(1);
    const closed = server.close({ timeoutMs: 5000 });
    c.write(echo.subarray(10));
    expect((await c.waitFrames(2))[1]).toMatchObject({ type: 'echo_response' });
    await c.waitClosed();
    await closed;
  });
});
