import { connectionsReach, connectRaw, framings, openRawSocket } from '@sockworks/test-utils';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { RawClient, startServer, waitFor } from './helpers.js';

describe('abuse and load limits', () => {
  it('rate limit: burst 10, then RATE_LIMITED until the injected clock refills the bucket', async () => {
    let now = 0;
    const { port } = await startServer({ now: () => now });
    const c = await RawClient.connect(port);
    await c.join('Spammer'); // takes one token
    for (let i = 0; i < 9; i++) {
      expect(await c.request({ method: 'send_message', params: { message: `m${i}` } })).toMatchObject({
        status: 'success',
      });
    }
    expect(await c.request({ method: 'send_message', params: { message: 'one too many' } })).toEqual({
      status: 'error',
      code: 'RATE_LIMITED',
      message: 'Rate limit exceeded, retry in 500 ms',
    });
    // Other methods still work; get_users is not charged.
    expect(await c.request({ method: 'get_users' })).toMatchObject({ status: 'success' });
    now += 500; // 2 msg/s: one token back
    expect(await c.request({ method: 'send_message', params: { message: 'later' } })).toMatchObject({
      status: 'success',
    });
    expect(await c.request({ method: 'send_message', params: { message: 'again' } })).toMatchObject({
      code: 'RATE_LIMITED',
    });
  });

  it('a client that does not read is cut off at the output cap; the others keep receiving', async () => {
    const maxOutputBytes = 64 * 1024;
    const { port, server } = await startServer({
      maxOutputBytes,
      rateBurst: 100_000,
      ratePerSecond: 100_000,
    });
    const sender = await RawClient.connect(port);
    const reader = await RawClient.connect(port);
    const stuck = await RawClient.connect(port);
    await sender.join('Sender');
    await reader.join('Reader');
    await stuck.join('Stuck');
    stuck.socket.pause(); // never reads again: kernel buffers fill, then the server's queue
    const body = '🐘'.repeat(1000); // ~4 KB per broadcast
    let sent = 0;
    // Keep sending until the server drops the stuck client; a bounded loop so the test cannot hang.
    while (server.sessions.some((s) => s.username === 'Stuck') && sent < 5000) {
      const reply = await sender.call({ method: 'send_message', params: { message: body } });
      expect(reply).toMatchObject({ status: 'success' });
      sent++;
    }
    expect(server.sessions.map((s) => s.username)).toEqual(['Sender', 'Reader']);
    // The reader got every message, in order, and is told that Stuck left.
    await waitFor(() => reader.messages.filter((m) => m.type === 'chat').length === sent, 'reader caught up');
    await waitFor(
      () => reader.messages.some((m) => m.message === 'Stuck has left the chat!'),
      'leave notice',
    );
    expect(await sender.call({ method: 'send_message', params: { message: 'still here?' } })).toMatchObject({
      status: 'success',
    });
    await waitFor(() => reader.messages.some((m) => m.message === 'still here?'), 'message after the cut');
  });

  it('heartbeat: each beat pings; a client silent for a whole interval is dropped, one that answers stays', async () => {
    // Only the heartbeat's interval timer is faked: the beats happen when the test says, never
    // because the machine was too slow to answer in time. Sockets and waits run on real time.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const { port, server } = await startServer({ heartbeatIntervalMs: 1000 });
    const silent = await RawClient.connect(port);
    const lively = await RawClient.connect(port);
    await connectionsReach(server, 2, 'both connections accepted');

    vi.advanceTimersByTime(1000); // beat 1: both were alive (just connected): pinged
    expect(await silent.next()).toEqual({ type: 'heartbeat' });
    expect(await lively.next()).toEqual({ type: 'heartbeat' });
    // The pong proves the server has seen the answer before the next beat.
    expect(await lively.request({ method: 'ping' })).toEqual({ status: 'success', message: 'pong' });

    vi.advanceTimersByTime(1000); // beat 2: silent sent nothing since beat 1
    await silent.waitClosed();
    expect(await lively.next()).toEqual({ type: 'heartbeat' });
    expect(lively.closed).toBe(false);

    vi.advanceTimersByTime(1000); // beat 3: lively did not answer beat 2 either
    await lively.waitClosed();
    expect(lively.unread()).toEqual([]);
  });
});

describe('JSON-RPC 2.0 mode', () => {
  it('answers JSON-RPC 2.0 requests with result/error and id, and sends broadcasts as notifications', async () => {
    const { port } = await startServer();
    const rpc = await RawClient.connect(port);
    const plain = await RawClient.connect(port);
    expect(
      await rpc.request({ jsonrpc: '2.0', method: 'join_chat', params: { username: 'Rpc' }, id: 1 }),
    ).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { status: 'success', message: 'Joined chat as Rpc', users: ['Rpc'] },
    });
    expect(await rpc.next()).toEqual({
      jsonrpc: '2.0',
      method: 'chat',
      params: { type: 'system', message: 'Welcome to the chat, Rpc!', username: 'SYSTEM' },
    });
    await plain.join('Plain');
    expect(await rpc.next()).toEqual({
      jsonrpc: '2.0',
      method: 'chat',
      params: { type: 'system', message: 'Plain has joined the chat!', username: 'SYSTEM' },
    });
    await plain.request({ method: 'send_message', params: { message: 'hi rpc' } });
    expect(await rpc.next()).toEqual({
      jsonrpc: '2.0',
      method: 'chat',
      params: { type: 'chat', message: 'hi rpc', username: 'Plain' },
    });
    // The plain client gets the same broadcast in the spec's form.
    expect(
      await rpc.request({ jsonrpc: '2.0', method: 'send_message', params: { message: 'hi plain' }, id: 'x' }),
    ).toEqual({
      jsonrpc: '2.0',
      id: 'x',
      result: { status: 'success', message: 'Message sent successfully' },
    });
    expect(await plain.next()).toEqual({ type: 'chat', message: 'hi plain', username: 'Rpc' });
  });

  it('maps errors to JSON-RPC error objects', async () => {
    let now = 0;
    const { port } = await startServer({ now: () => now, rateBurst: 1 });
    const c = await RawClient.connect(port);
    expect(await c.request({ jsonrpc: '2.0', method: 'nope', id: 1 })).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32601, message: 'Method not found' },
    });
    expect(await c.request({ jsonrpc: '2.0', method: 'join_chat', params: {}, id: 2 })).toEqual({
      jsonrpc: '2.0',
      id: 2,
      error: { code: -32602, message: 'Invalid params: username must be a string' },
    });
    expect(
      await c.request({ jsonrpc: '2.0', method: 'send_message', params: { message: 'x' }, id: 3 }),
    ).toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: {
        code: -32000,
        message: 'You must join the chat before sending messages',
        data: { code: 'NOT_JOINED' },
      },
    });
    await c.request({ jsonrpc: '2.0', method: 'join_chat', params: { username: 'R' }, id: 4 });
    await c.next(); // welcome notification
    expect(
      await c.request({ jsonrpc: '2.0', method: 'send_message', params: { message: 'x' }, id: 5 }),
    ).toEqual({
      jsonrpc: '2.0',
      id: 5,
      error: {
        code: -32029,
        message: 'Rate limit exceeded, retry in 500 ms',
        data: { code: 'RATE_LIMITED', retryAfterMs: 500 },
      },
    });
    now += 500;
    c.write('{"jsonrpc":"2.0","method":"get_users","id":6');
    c.write('}\n{bad json}\n');
    expect(await c.next()).toMatchObject({ id: 6, result: { users: ['R'], count: 1 } });
    expect(await c.next()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
  });

  it('handles batches and notifications, keeping reply order with plain requests', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    c.write(
      `${JSON.stringify({ method: 'get_users' })}${JSON.stringify([
        { jsonrpc: '2.0', method: 'get_users', id: 1 },
        { jsonrpc: '2.0', method: 'get_users' },
        { jsonrpc: '2.0', method: 'nope', id: 2 },
      ])}${JSON.stringify({ jsonrpc: '2.0', method: 'get_users' })}${JSON.stringify({ method: 'get_users', params: { format: 'detailed' } })}`,
    );
    expect(await c.next()).toEqual({ status: 'success', users: [], count: 0 });
    expect(await c.next()).toEqual([
      { jsonrpc: '2.0', id: 1, result: { status: 'success', users: [], count: 0 } },
      { jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'Method not found' } },
    ]);
    // The notification got no reply; the next message is the plain detailed reply.
    expect(await c.next()).toMatchObject({ status: 'success', message: 'Users retrieved successfully' });
  });
});

describe('shutdown', () => {
  it('close(): every connected client gets "Server is shutting down", then the connection ends', async () => {
    const { port, server } = await startServer();
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    const rpc = await RawClient.connect(port);
    await a.join('A');
    await rpc.request({ jsonrpc: '2.0', method: 'get_users', id: 1 });
    await server.close();
    await Promise.all([a.waitClosed(), b.waitClosed(), rpc.waitClosed()]);
    const notice = { type: 'system', message: 'Server is shutting down', username: 'SYSTEM' };
    expect(a.messages.at(-1)).toEqual(notice);
    expect(b.messages.at(-1)).toEqual(notice);
    expect(rpc.messages.at(-1)).toEqual({ jsonrpc: '2.0', method: 'chat', params: notice });
    await server.close(); // idempotent
  });

  it('close(): a request never completed after shutdown began is cut off at the drain deadline', async () => {
    const { port, server } = await startServer();
    const stuck = await RawClient.connect(port);
    stuck.write('{"method":"get_users"');
    await connectionsReach(server, 1, 'the stuck connection to be accepted');
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the bytes reach the decoder
    const started = Date.now();
    await server.close({ timeoutMs: 300 });
    await stuck.waitClosed();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(stuck.messages.filter((m) => 'status' in m)).toEqual([]);
  });

  it('close(): new connections are refused while a connected client is still draining', async () => {
    const { port, server } = await startServer({ lingerMs: 60_000 });
    // A client that keeps its sending side open after the server's goodbye: the drain waits for it.
    const holder = await connectRaw(port, framings.bytes(), { allowHalfOpen: true });
    holder.write('{"method":"join_chat","params":{"username":"Holder"}}');
    await holder.waitUntil(() => holder.text().includes('Welcome to the chat, Holder!'), 'join');
    let closed = false;
    const closing = server.close({ timeoutMs: 60_000 }).then(() => {
      closed = true;
    });
    await holder.waitEnded(); // goodbye sent and our side of the connection ended by the server
    expect(holder.text()).toContain('"message":"Server is shutting down"');
    await expect(openRawSocket(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(closed).toBe(false); // still draining the holder
    holder.end();
    await closing;
    expect(server.connectionCount).toBe(0);
  });
});
