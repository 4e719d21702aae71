import { EventEmitter, once } from 'node:events';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { type FanoutResult, lengthPrefixedReplies } from '@sockworks/loadgen';
import { freePort, scaled, tempDir } from '@sockworks/test-utils';
import { createChatServer } from 'chat-rpc-server';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { holdIdleConnections } from '../src/generators/idle.ts';
import { runWsLoad } from '../src/generators/ws.ts';
import { runGenerator } from '../src/run-generator.ts';

// These tests check that the generators count what the server really answered, not how fast.

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

/** A server (TCP, or a Unix socket) that answers every line with one line, keeping the requests it saw. */
async function lineEcho({ unix = false } = {}): Promise<{
  port: number;
  path: string | undefined;
  lines: () => string[];
  received: () => number;
  connections: () => number;
  closed: () => number;
  events: EventEmitter;
}> {
  const events = new EventEmitter();
  const seen: string[] = [];
  let received = 0;
  let connections = 0;
  let closed = 0;
  const server = createServer((socket) => {
    connections++;
    socket.on('error', () => {});
    socket.on('close', () => {
      closed++;
    });
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      received += lines.length;
      seen.push(...lines);
      events.emit('lines', received);
      if (lines.length > 0) socket.write(lines.map((l) => `ok ${l}\n`).join(''));
    });
  });
  servers.push(server);
  const path = unix ? join(tempDir('sw-bench-gen-'), 'echo.sock') : undefined;
  if (path === undefined) server.listen(0, '127.0.0.1');
  else server.listen(path);
  await once(server, 'listening');
  return {
    port: path === undefined ? (server.address() as AddressInfo).port : 0,
    path,
    lines: () => seen,
    received: () => received,
    connections: () => connections,
    closed: () => closed,
    events,
  };
}

describe('generator process', () => {
  it('runs a frames load in its own process and returns its numbers', async () => {
    let frames = 0;
    const server = createServer((socket) => {
      socket.on('error', () => {});
      const counter = lengthPrefixedReplies();
      socket.on('data', (chunk: Buffer) => {
        frames += counter.feed(chunk);
        socket.write(chunk); // echoing the bytes echoes the frames
      });
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const counts: number[] = [];
    const result = await runGenerator<{ completed: number; errors: number; perSecond: number }>(
      {
        kind: 'frames',
        target: { host: '127.0.0.1', port },
        connections: 2,
        window: 4,
        durationMs: 600,
        messages: [JSON.stringify({ type: 'echo', content: 'hi' })],
      },
      { onProgress: (n) => counts.push(n) },
    );
    expect(result.errors).toBe(0);
    expect(result.completed).toBeGreaterThan(0);
    expect(frames).toBeGreaterThanOrEqual(result.completed);
    expect(counts.length).toBeGreaterThan(0);
  });

  it('a windowed load that cannot connect fails, naming the connection and the address', async () => {
    // A port nothing listens on any more: connections are refused.
    const port = await freePort();
    await expect(
      runGenerator({
        kind: 'frames',
        target: { host: '127.0.0.1', port },
        connections: 2,
        window: 1,
        durationMs: 50,
        messages: ['{}'],
      }),
    ).rejects.toThrow(
      new RegExp(
        `^generator frames exited with 1: generator failed: connection 1 of 2 to 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`,
      ),
    );
  });

  it('runs a lines load over a Unix socket with per-connection requests', async () => {
    const srv = await lineEcho({ unix: true });
    const result = await runGenerator<{ completed: number; errors: number }>({
      kind: 'lines',
      target: { path: srv.path ?? '' },
      connections: 2,
      window: 2,
      durationMs: 300,
      messages: ['c{c}-a', 'c{c}-b'],
    });
    expect(result.errors).toBe(0);
    expect(result.completed).toBeGreaterThan(0);
    expect(srv.lines().filter((l) => l.startsWith('c1-')).length).toBeGreaterThan(0);
    expect(srv.lines().every((l) => /^c[01]-[ab]$/.test(l))).toBe(true);
  });

  it('runs the chat fan-out in its own process against a chat server', async () => {
    const chat = createChatServer({ port: 0, host: '127.0.0.1', rateBurst: 1000, ratePerSecond: 1000 });
    const address = await chat.listen();
    try {
      const port = address.kind === 'tcp' ? address.port : 0;
      const result = await runGenerator<FanoutResult>({
        kind: 'chat-fanout',
        host: '127.0.0.1',
        port,
        receivers: 10,
        messages: 5,
        intervalMs: 5,
      });
      expect(result).toMatchObject({ receivers: 10, messages: 5, lost: 0, errors: 0 });
      expect(result.allReceived.count).toBe(5);
    } finally {
      await chat.close();
    }
  });

  it('reports refused connections as errors, with nothing completed', async () => {
    // A port nothing listens on any more: connections are refused.
    const port = await freePort();
    const result = await runGenerator<{ completed: number; errors: number }>({
      kind: 'http-close',
      target: { host: '127.0.0.1', port },
      concurrency: 1,
      durationMs: 50,
    });
    expect(result.completed).toBe(0);
    expect(result.errors).toBeGreaterThan(0);
  });
});

describe('idle connections', () => {
  it('opens every connection, sends the hello once, and holds them until released', async () => {
    const srv = await lineEcho();
    let release: () => void = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    let reportedOpen = -1;
    let closedEarly = 0;
    // Release once the server has every hello; none of the connections may have closed by then.
    srv.events.on('lines', (n: number) => {
      if (n === 40) release();
    });
    const held = holdIdleConnections({
      target: { host: '127.0.0.1', port: srv.port },
      count: 40,
      hello: 'hello\n',
      onConnected: (n) => {
        reportedOpen = n;
      },
      release: released.then(() => {
        closedEarly = 40 - srv.connections() + srv.closed();
      }),
    });
    expect(await held).toEqual({ open: 40, errors: 0 });
    expect(reportedOpen).toBe(40);
    expect(srv.received()).toBe(40);
    expect(closedEarly).toBe(0);
  });
});

/** A WebSocket server echoing every message, counting them. */
async function wsEcho(): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  let received = 0;
  wss.on('connection', (ws) =>
    ws.on('message', (data) => {
      received++;
      ws.send(data);
    }),
  );
  const { port } = wss.address() as AddressInfo;
  return {
    port,
    received: () => received,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise((r) => wss.close(r));
    },
  };
}

describe('ws load', () => {
  it('paced: one request per connection per interval at most, every one answered', async () => {
    const { port, received, close } = await wsEcho();
    try {
      const result = await runWsLoad({
        url: `ws://127.0.0.1:${port}`,
        connections: 4,
        window: 8, // ignored when paced
        durationMs: 300,
        intervalMs: 50,
        message: 'ping',
      });
      expect(result.errors).toBe(0);
      expect(result.completed).toBeGreaterThanOrEqual(4);
      // 300 ms at one per 50 ms is at most 7 sends per connection (one at the start of each interval).
      expect(received()).toBeLessThanOrEqual(4 * 7);
      expect(result.completed).toBeLessThanOrEqual(received());
    } finally {
      await close();
    }
  });

  it('warm-up load is sent and answered but neither counted nor timed', async () => {
    const { port, received, close } = await wsEcho();
    try {
      const result = await runWsLoad({
        url: `ws://127.0.0.1:${port}`,
        connections: 2,
        window: 1,
        durationMs: 150,
        intervalMs: 20,
        // Stretched on a loaded machine, where a round trip can take longer than the 20 ms pace (a
        // loaded run got 8 of the 10 below within a plain 200 ms).
        warmupMs: scaled(200),
        message: 'ping',
      });
      expect(result.errors).toBe(0);
      expect(result.completed).toBeGreaterThan(0);
      // At one per 20 ms, 200 ms of warm-up sends several requests per connection before counting starts.
      expect(received() - result.completed).toBeGreaterThanOrEqual(2 * 5);
      expect(result.latency.count).toBe(result.completed);
    } finally {
      await close();
    }
  });
});
