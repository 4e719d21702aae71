import { once } from 'node:events';
import { connectionsReach, startTcpServer } from '@sockworks/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createTcpServer, TcpClient, TcpRequestError } from '../src/index.js';
import { ISO_UTC, startServer, waitFor } from './helpers.js';

async function connectedClient(
  port: number,
  options: ConstructorParameters<typeof TcpClient>[0] = {},
): Promise<TcpClient> {
  const client = new TcpClient({ host: '127.0.0.1', port, ...options });
  onTestFinished(() => client.disconnect());
  await client.connect();
  return client;
}

describe('TcpClient', () => {
  it('ping resolves with the round trip in ms; pingFrame with the pong', async () => {
    const { port } = await startServer();
    const client = await connectedClient(port);
    const ms = await client.ping();
    expect(ms).toBeGreaterThanOrEqual(0);
    const pong = await client.pingFrame();
    expect(pong).toMatchObject({ type: 'pong', pong_timestamp: expect.stringMatching(ISO_UTC) });
    expect(pong.ping_timestamp).toMatch(ISO_UTC);
  });

  it('echo, getServerStats, sendMessage and sendCustomMessage', async () => {
    const { port } = await startServer();
    const client = await connectedClient(port);
    expect(await client.echo({ deep: [1, 'é'] })).toMatchObject({
      type: 'echo_response',
      content: { deep: [1, 'é'] },
    });
    expect(await client.getServerStats()).toMatchObject({ type: 'server_stats', connected_clients: 1 });
    expect(await client.sendMessage('plain')).toMatchObject({ type: 'message_received', content: 'plain' });
    expect(await client.sendCustomMessage('echo', { content: 'via custom' })).toMatchObject({
      type: 'echo_response',
      content: 'via custom',
    });
    const err = await client.sendCustomMessage('custom_type', { data: 'value' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TcpRequestError);
    expect((err as TcpRequestError).code).toBe('UNKNOWN_MESSAGE_TYPE');
    // The connection is still usable after an error reply.
    expect(await client.echo('after')).toMatchObject({ content: 'after' });
    // heartbeat_ack gets no reply: it resolves when written, and the next reply still lines up.
    const [ack, echo] = await Promise.all([client.sendCustomMessage('heartbeat_ack'), client.echo('next')]);
    expect(ack).toMatchObject({ type: 'heartbeat_ack' });
    expect(echo).toMatchObject({ content: 'next' });
  });

  it('matches pipelined replies to requests in order; broadcasts are events, not replies', async () => {
    const { port } = await startServer();
    const a = await connectedClient(port);
    const b = await connectedClient(port);
    const seen: unknown[] = [];
    b.on('broadcast', (f) => seen.push(f.content));
    const messages: unknown[] = [];
    b.on('message', (f) => messages.push(f.type));
    // a broadcasts while b has requests in flight: b's replies must still line up.
    const bReplies = Promise.all(Array.from({ length: 200 }, (_, i) => b.echo(i)));
    const aSent = Promise.all(Array.from({ length: 20 }, (_, i) => a.broadcast(`m${i}`)));
    const replies = await bReplies;
    expect(replies.map((r) => r.content)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect((await aSent).every((s) => s.recipients === 1)).toBe(true);
    await waitFor(() => seen.length === 20, 2000, 'broadcasts');
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    expect(messages.every((t) => t === 'broadcast')).toBe(true);
  });

  it('fails requests with CONNECTION_CLOSED when not connected or when the server goes away', async () => {
    const { server, port } = await startServer({ closeTimeoutMs: 100 });
    const idle = new TcpClient({ host: '127.0.0.1', port });
    await expect(idle.ping()).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });

    const client = await connectedClient(port);
    await client.echo('x');
    const closed = once(client, 'disconnect');
    await server.close({ timeoutMs: 100 });
    await closed;
    await expect(client.echo('late')).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it('connect() fails with CONNECT_FAILED; a reply over maxFrameBytes fails with RESPONSE_TOO_LARGE', async () => {
    const { port } = await startServer();
    const nowhere = new TcpClient({ host: '127.0.0.1', port: 1 });
    await expect(nowhere.connect()).rejects.toMatchObject({ code: 'CONNECT_FAILED' });

    const small = await connectedClient(port, { maxFrameBytes: 200 });
    const closed = once(small, 'disconnect');
    await expect(small.echo('x'.repeat(300))).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    await closed;
  });

  it('fails with REQUEST_TIMEOUT when the server never answers', async () => {
    const silent = await startTcpServer();
    const client = await connectedClient(silent.port, { requestTimeoutMs: 100 });
    const results = await Promise.allSettled([client.ping(), client.echo(1)]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'REQUEST_TIMEOUT' });
    }
  });

  it('answers server heartbeats automatically and stays connected', async () => {
    // The heartbeat runs on the server's clock, moved by hand: no real delay can fail this test.
    let now = 1_000_000;
    const { server, port } = await startServer({
      heartbeatIntervalMs: 30,
      heartbeatTimeoutMs: 60,
      clock: () => now,
    });
    const client = await connectedClient(port);
    let heartbeats = 0;
    client.on('message', (f) => {
      if (f.type === 'heartbeat') heartbeats++;
    });
    await connectionsReach(server, 1, 'connection');
    const [conn] = [...server.connections];
    for (let beat = 1; beat <= 4; beat++) {
      now += 30;
      await waitFor(() => heartbeats === beat, 5000, `heartbeat ${beat}`);
      await waitFor(() => conn!.heartbeatSentMs === 0, 5000, `ack ${beat}`);
    }
    expect(client.connected).toBe(true);
    expect(server.stats.deadClientsDropped).toBe(0);
    expect(await client.echo('still here')).toMatchObject({ content: 'still here' });
  });

  it('reconnects with backoff after a server restart', async () => {
    const first = createTcpServer({ host: '127.0.0.1', port: 0, closeTimeoutMs: 100 });
    const address = await first.listen();
    if (address.kind !== 'tcp') throw new Error('tcp expected');
    const client = await connectedClient(address.port, {
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    });
    const attempts: number[] = [];
    client.on('reconnecting', (info) => attempts.push(info.attempt));
    expect(await client.echo('before')).toMatchObject({ content: 'before' });

    const disconnected = once(client, 'disconnect');
    await first.close({ timeoutMs: 100 });
    const [info] = (await disconnected) as [{ willReconnect: boolean }];
    expect(info.willReconnect).toBe(true);
    // Let a few attempts fail against the closed port before the server comes back.
    await waitFor(() => attempts.length >= 2, 5000, 'failed attempts');

    const second = createTcpServer({ host: '127.0.0.1', port: address.port });
    onTestFinished(() => second.close({ timeoutMs: 100 }));
    const reconnected = once(client, 'reconnect');
    await second.listen();
    await reconnected;
    expect(client.connected).toBe(true);
    expect(await client.echo('after')).toMatchObject({ content: 'after' });
    expect(attempts[0]).toBe(1);
  });

  it('disconnect() stops reconnection', async () => {
    const { port } = await startServer();
    const client = await connectedClient(port, { reconnect: true });
    const events: string[] = [];
    client.on('reconnecting', () => events.push('reconnecting'));
    await client.disconnect();
    expect(client.connected).toBe(false);
    expect(events).toEqual([]);
  });
});
