import { Writable } from 'node:stream';
import { createLogger } from '@sockworks/logging';
import { connectionsReach, connectRaw, framings } from '@sockworks/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type FrameHandler, TCP_SERVER_DEFAULTS } from '../src/index.js';
import { handleFrame } from '../src/server/handlers.js';
import { frame, header, ISO_UTC, RawClient, startServer } from './helpers.js';

/** A logger whose JSON lines are collected in `entries`. */
function capturedLogger(): {
  logger: ReturnType<typeof createLogger>;
  entries: Array<Record<string, unknown>>;
} {
  const entries: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') entries.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ service: 'test', level: 'info', pretty: false, destination }), entries };
}

describe('a handler that throws (a bug in the business layer)', () => {
  // The built-in handlers never throw; this one does for one type and behaves normally otherwise.
  const buggy: FrameHandler = (value, peer, server) => {
    if ((value as { type?: unknown }).type === 'boom') throw new Error('handler bug');
    return handleFrame(value, peer, server);
  };

  it('gets INTERNAL_ERROR, is logged, and the connection and the server keep working', async () => {
    const { logger, entries } = capturedLogger();
    const { server, port } = await startServer({ handleFrame: buggy, logger });
    const c = await RawClient.connect(port);
    const other = await RawClient.connect(port);
    // Pipelined around the failing frame: the replies before and after it are still in order.
    c.write(
      Buffer.concat([
        frame({ type: 'echo', content: 'before' }),
        frame({ type: 'boom' }),
        frame({ type: 'echo', content: 'after' }),
      ]),
    );
    const replies = await c.waitFrames(3);
    expect(replies[0]).toMatchObject({ type: 'echo_response', content: 'before' });
    expect(replies[1]).toEqual({
      type: 'error',
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
      timestamp: expect.stringMatching(ISO_UTC),
    });
    expect(replies[2]).toMatchObject({ type: 'echo_response', content: 'after' });
    expect(await c.request({ type: 'boom' })).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(await c.request({ type: 'ping' })).toMatchObject({ type: 'pong' });
    expect(await other.request({ type: 'ping' })).toMatchObject({ type: 'pong' });
    expect(c.closed).toBe(false);
    expect(server.connections.size).toBe(2);

    const failures = entries.filter((e) => e.msg === 'handler failed');
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({ level: 'error', err: { message: 'handler bug' } });
    expect(failures[0]!.conn).toBeDefined();
  });

  it('the echo fast path is off when the handlers are replaced', async () => {
    const upper: FrameHandler = (value, peer, server) => {
      const v = value as { type?: unknown; content?: unknown };
      if (v.type === 'echo' && typeof v.content === 'string') {
        return handleFrame({ ...v, content: v.content.toUpperCase() }, peer, server);
      }
      return handleFrame(value, peer, server);
    };
    const { port } = await startServer({ handleFrame: upper });
    const c = await RawClient.connect(port);
    expect(await c.request({ type: 'echo', content: 'quiet' })).toMatchObject({ content: 'QUIET' });
  });
});

describe('a peer that never closes its side after the server ended the connection', () => {
  it('defaults to 5 s', () => {
    expect(TCP_SERVER_DEFAULTS.halfCloseTimeoutMs).toBe(5_000);
  });

  /** A server with `halfCloseTimeoutMs` and a half-open peer whose connection the server has ended. */
  async function endedByServer(halfCloseTimeoutMs: number) {
    const { server, port } = await startServer({ halfCloseTimeoutMs });
    // A peer that does not end its side when the server ends the connection.
    const peer = await connectRaw(port, framings.bytes(), { allowHalfOpen: true });
    await connectionsReach(server, 1, 'connection');
    peer.write(header(0)); // EMPTY_FRAME: the server answers and ends its side
    await peer.waitEnded();
    return { server, peer };
  }

  it('is kept while it closes in time, and released when it does', async () => {
    const { server, peer } = await endedByServer(60_000);
    expect(server.connections.size).toBe(1);
    peer.end();
    await connectionsReach(server, 0, 'connection released');
  });

  it('is destroyed after halfCloseTimeoutMs', async () => {
    const { server } = await endedByServer(50);
    await connectionsReach(server, 0, 'half-open connection destroyed');
  });

  it('is destroyed after halfCloseTimeoutMs even while it keeps sending', async () => {
    const { server, peer } = await endedByServer(200);
    // Input after the end is ignored, and it must not count as activity that keeps the socket alive.
    const timer = setInterval(() => peer.write(frame({ type: 'ping' })), 10);
    onTestFinished(() => clearInterval(timer));
    await connectionsReach(server, 0, 'half-open connection destroyed');
  });
});
