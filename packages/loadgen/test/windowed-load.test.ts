import { ClientErrorCode, ProtocolError, ServiceErrorCode } from '@sockworks/error-codes';
import { encodeLengthPrefixed } from '@sockworks/framing';
import { spawnTracked } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import {
  type LoadProgress,
  lengthPrefixedReplies,
  lineReplies,
  runWindowedLoad,
  type WindowedLoadOptions,
} from '../src/index.js';
import { frameServer, lineServer, silentServer } from './servers.js';

// These tests check what the generator counts and how it fails, never how fast it is.

const line = (text: string): Buffer => Buffer.from(`${text}\n`);
const echoLine = (request: string): string => `ok ${request}\n`;

/** Rejects with a ProtocolError of `code` whose message matches `message`. */
async function expectFailure(run: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await run.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(ProtocolError.is(error), String(error)).toBe(true);
  expect((error as ProtocolError).code).toBe(code);
  expect((error as ProtocolError).message).toMatch(message);
}

describe('runWindowedLoad: counting', () => {
  it('keeps the window full on every connection for the duration and counts only answered requests', async () => {
    const srv = await lineServer(echoLine);
    const progress: LoadProgress[] = [];
    const result = await runWindowedLoad({
      target: srv.target,
      connections: 3,
      window: 8,
      durationMs: 300,
      progressIntervalMs: 50,
      requests: (c) => [line(`c${c}-a`), line(`c${c}-b`)],
      replies: lineReplies,
      onProgress: (p) => progress.push(p),
    });
    expect(srv.accepted()).toBe(3);
    expect(result).toMatchObject({ connections: 3, window: 8, errors: 0 });
    expect(result.completed).toBeGreaterThan(0);
    // Everything counted was answered; the server saw at most one window more per connection.
    expect(srv.received.length).toBeGreaterThanOrEqual(result.completed);
    expect(srv.received.length).toBeLessThanOrEqual(result.completed + 3 * 8);
    expect(result.perSecond).toBeCloseTo((result.completed * 1000) / result.elapsedMs, 6);
    expect(result.latency.count).toBe(result.completed);
    expect(result.latency.p50Ms).toBeLessThanOrEqual(result.latency.p99Ms);
    expect(result.latency.p99Ms).toBeLessThanOrEqual(result.latency.maxMs);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.phase === 'measure')).toBe(true);
    await srv.allClosed();
  });

  it('sends each connection its own requests round-robin, exactly requestCount of them', async () => {
    const srv = await lineServer(echoLine);
    const result = await runWindowedLoad({
      target: srv.target,
      connections: 2,
      window: 3,
      requestCount: 40,
      requests: (c) => [line(`c${c}-0`), line(`c${c}-1`), line(`c${c}-2`)],
      replies: lineReplies,
    });
    expect(result.completed).toBe(40);
    expect(result.latency.count).toBe(40);
    expect(srv.received).toHaveLength(40);
    for (const c of [0, 1]) {
      const mine = srv.received.filter((r) => r.startsWith(`c${c}-`));
      expect(mine, `connection ${c}`).toEqual(mine.map((_, i) => `c${c}-${i % 3}`));
    }
    await srv.allClosed();
  });

  it('works over a Unix socket, with a window larger than the request list', async () => {
    const srv = await lineServer(echoLine, { unix: true });
    const result = await runWindowedLoad({
      target: srv.target,
      connections: 1,
      window: 64,
      requestCount: 1000,
      requests: () => [line('x')],
      replies: lineReplies,
    });
    expect(result).toMatchObject({ completed: 1000, errors: 0 });
    expect(srv.received).toHaveLength(1000);
  });

  it('warm-up load is sent and answered but neither counted nor timed', async () => {
    const srv = await lineServer(echoLine);
    const phases = new Set<string>();
    const result = await runWindowedLoad({
      target: srv.target,
      window: 2,
      warmupMs: 150,
      requestCount: 50,
      progressIntervalMs: 20,
      requests: () => [line('w')],
      replies: lineReplies,
      onProgress: (p) => phases.add(p.phase),
    });
    expect(result.completed).toBe(50);
    expect(result.latency.count).toBe(50);
    expect(srv.received.length).toBeGreaterThan(50);
    expect(phases).toContain('warmup');
  });

  it('counts error replies (rejected by the counter) and replies that answer no request', async () => {
    const good = encodeLengthPrefixed('{"type":"echo_response"}');
    const bad = encodeLengthPrefixed('{"type":"error","code":"INVALID_JSON"}');
    const srv = await frameServer((body) => (body === 'bad' ? bad : good));
    const result = await runWindowedLoad({
      target: srv.target,
      window: 4,
      requestCount: 100,
      requests: () => [encodeLengthPrefixed('good'), encodeLengthPrefixed('bad')],
      replies: () => lengthPrefixedReplies({ expectPrefix: Buffer.from('{"type":"echo_response"') }),
    });
    expect(result).toMatchObject({ completed: 100, errors: 50 });

    // Two replies in one write to the 5th request of a connection with one request in flight.
    const chatty = await lineServer((request) => (request === 'x4' ? 'ok\nextra\n' : 'ok\n'));
    const extra = await runWindowedLoad({
      target: chatty.target,
      requestCount: 8,
      requests: () => Array.from({ length: 8 }, (_, i) => line(`x${i}`)),
      replies: lineReplies,
    });
    expect(extra).toMatchObject({ completed: 8, errors: 1 });
  });
});

describe('runWindowedLoad: failures', () => {
  const base = (
    over: Partial<WindowedLoadOptions> & Pick<WindowedLoadOptions, 'target'>,
  ): WindowedLoadOptions => ({
    requests: () => [line('x')],
    replies: lineReplies,
    durationMs: 5_000,
    ...over,
  });

  it('rejects a bad option with INVALID_CONFIG naming it, before connecting', async () => {
    const srv = await lineServer(echoLine);
    for (const [name, value] of [
      ['window', 0],
      ['connections', 1.5],
      ['durationMs', -1],
      ['requestCount', 0],
      ['stallTimeoutMs', Number.NaN],
    ] as const) {
      await expectFailure(
        runWindowedLoad(base({ target: srv.target, [name]: value })),
        ServiceErrorCode.INVALID_CONFIG,
        new RegExp(`^${name} must be an integer`),
      );
    }
    expect(srv.accepted()).toBe(0);
  });

  it('a refused connection is CONNECT_FAILED naming the connection and the address', async () => {
    const srv = await lineServer(echoLine);
    const target = srv.target;
    await new Promise((r) => srv.server.close(r));
    await expectFailure(
      runWindowedLoad(base({ target, connections: 2 })),
      ClientErrorCode.CONNECT_FAILED,
      /^connection [12] of 2 to 127\.0\.0\.1:\d+: .*ECONNREFUSED/,
    );
  });

  it('a connection not established in time is CONNECT_FAILED after connectTimeoutMs', async () => {
    // A listener with a backlog of 1 whose event loop is blocked: the kernel queues two connections,
    // then drops further SYNs, so those connects hang.
    const blocked = spawnTracked(
      process.execPath,
      [
        '-e',
        `const s = require('node:net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
         require('node:fs').writeSync(1, 'port ' + s.address().port + '\\n');
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
       });`,
      ],
      { label: 'blocked listener' },
    );
    const port = Number((await blocked.waitForOutput(/port (\d+)/))[1]);
    await expectFailure(
      runWindowedLoad(base({ target: { host: '127.0.0.1', port }, connections: 6, connectTimeoutMs: 300 })),
      ClientErrorCode.CONNECT_FAILED,
      /^connection \d of 6 to 127\.0\.0\.1:\d+: not connected within 300 ms$/,
    );
  });

  it('a connection that stops answering is REQUEST_TIMEOUT naming it, its requests in flight and the phase', async () => {
    const srv = await silentServer();
    const started = performance.now();
    await expectFailure(
      runWindowedLoad(base({ target: srv.target, window: 4, stallTimeoutMs: 200 })),
      ClientErrorCode.REQUEST_TIMEOUT,
      /^connection 1 of 1 to 127\.0\.0\.1:\d+ stalled: nothing received for \d+ ms with 4 requests in flight \(measure phase, 0 replies counted in it; stall timeout 200 ms\)$/,
    );
    // Failed on the stall, long before the 5 s duration.
    expect(performance.now() - started).toBeLessThan(5_000);
    await srv.allClosed();
  });

  it('a connection closed by the server during the run is CONNECTION_CLOSED, and every socket is closed', async () => {
    let served = 0;
    const srv = await lineServer((request, socket) => {
      if (++served === 30) socket.destroy();
      return echoLine(request);
    });
    await expectFailure(
      runWindowedLoad(base({ target: srv.target, connections: 3, window: 2 })),
      ClientErrorCode.CONNECTION_CLOSED,
      /^connection [123] of 3 to 127\.0\.0\.1:\d+ (was closed by the server|failed \(.*\)) with \d+ requests in flight \(measure phase\)$/,
    );
    await srv.allClosed();
  });
});
