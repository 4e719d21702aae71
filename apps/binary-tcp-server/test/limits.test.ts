import { connectionsReach } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { frame, RawClient, startServer, waitFor } from './helpers.js';

describe('connection limit', () => {
  it('the extra connection gets TOO_MANY_CONNECTIONS and is closed; a freed slot is reusable', async () => {
    const { server, port } = await startServer({ maxConnections: 2 });
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    await connectionsReach(server, 2, 'two connections');
    const extra = await RawClient.connect(port);
    await extra.waitClosed();
    expect(extra.frames).toEqual([expect.objectContaining({ type: 'error', code: 'TOO_MANY_CONNECTIONS' })]);
    expect(await a.request({ type: 'ping' })).toMatchObject({ type: 'pong' });

    b.socket.destroy();
    await connectionsReach(server, 1, 'slot freed');
    const again = await RawClient.connect(port);
    expect(await again.request({ type: 'ping' })).toMatchObject({ type: 'pong' });
  });
});

describe('backpressure', () => {
  it('a client that pipelines without reading is paused, not dropped, and gets every reply in order', async () => {
    const { server, port } = await startServer({ maxOutputQueueBytes: 256 * 1024 });
    const c = await RawClient.connect(port);
    c.socket.pause();
    const content = 'q'.repeat(8 * 1024);
    const count = 1500;
    for (let i = 0; i < count; i++) c.write(frame({ type: 'echo', content: `${i}:${content}` }));
    // Give the server time to fill the pipe while we do not read.
    await waitFor(() => server.stats.totalMessages > 100, 5000, 'server reading');
    const [conn] = [...server.connections];
    expect(conn!.queuedBytes).toBeLessThanOrEqual(256 * 1024 + 128 * 1024);
    c.socket.resume();
    const frames = await c.waitFrames(count, 15_000);
    expect(frames.every((f, i) => f.type === 'echo_response' && f.content === `${i}:${content}`)).toBe(true);
    expect(server.stats.slowClientsDropped).toBe(0);
  });
});

describe('heartbeat', () => {
  it('is off by default', async () => {
    const { server } = await startServer();
    expect(server.options.heartbeatIntervalMs).toBe(0);
  });

  it('pings an idle client; one that answers stays, one that stays silent is dropped', async () => {
    // The heartbeat runs on the server's clock, which this test moves by hand: no real delay can make
    // a live client look dead on a loaded machine.
    let now = 1_000_000;
    const { server, port } = await startServer({
      heartbeatIntervalMs: 50,
      heartbeatTimeoutMs: 100,
      clock: () => now,
    });
    const alive = await RawClient.connect(port);
    const dead = await RawClient.connect(port);
    await connectionsReach(server, 2, 'clients registered');
    alive.socket.on('data', () => {
      if (alive.frames.at(-1)?.type === 'heartbeat') alive.send({ type: 'heartbeat_ack' });
    });
    const connOf = (c: RawClient) =>
      [...server.connections].find((conn) => conn.clientId.endsWith(`:${c.socket.localPort}`));
    const aliveConn = connOf(alive);
    const deadConn = connOf(dead);

    now += 50; // idle for the interval: both get a heartbeat
    await waitFor(() => deadConn!.heartbeatSentMs !== 0, 5000, 'heartbeat sent');
    await dead.waitFrames(1);
    await alive.waitFrames(1);
    // The ack counts as life: the outstanding heartbeat is cleared.
    await waitFor(() => aliveConn!.heartbeatSentMs === 0, 5000, 'ack received');

    now += 100; // the silent one is past the timeout; the live one only idle again
    await dead.waitClosed(5000);
    expect(dead.frames[0]).toMatchObject({ type: 'heartbeat', timestamp: expect.any(String) });
    expect(server.stats.deadClientsDropped).toBe(1);
    await alive.waitFrames(2);
    await waitFor(() => aliveConn!.heartbeatSentMs === 0, 5000, 'second ack received');
    expect(alive.closed).toBe(false);
    // heartbeat_ack frames got no reply: everything the live client received is a heartbeat.
    expect(alive.frames.every((f) => f.type === 'heartbeat')).toBe(true);
    expect(await alive.request({ type: 'ping' })).toMatchObject({ type: 'pong' });
  });
});
