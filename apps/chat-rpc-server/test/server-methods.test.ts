import { connectionsReach } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { RawClient, startServer } from './helpers.js';

describe('chat server over TCP: methods and errors', () => {
  it('join_chat: reply with the user list, then the welcome message', async () => {
    const { port } = await startServer();
    const alice = await RawClient.connect(port);
    expect(await alice.request({ method: 'join_chat', params: { username: 'Alice' } })).toEqual({
      status: 'success',
      message: 'Joined chat as Alice',
      users: ['Alice'],
    });
    expect(await alice.next()).toEqual({
      type: 'system',
      message: 'Welcome to the chat, Alice!',
      username: 'SYSTEM',
    });
  });

  it('answers business errors in the spec shape with a code', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    expect(await c.request({ method: 'send_message', params: { message: 'hi' } })).toEqual({
      status: 'error',
      code: 'NOT_JOINED',
      message: 'You must join the chat before sending messages',
    });
    expect(await c.request({ method: 'leave_chat', params: {} })).toMatchObject({
      status: 'error',
      code: 'NOT_JOINED',
    });
    expect(await c.request({ method: 'join_chat', params: { username: '' } })).toMatchObject({
      status: 'error',
      code: 'INVALID_USERNAME',
    });
  });

  it('answers protocol errors in the spec JSON-RPC form and keeps the connection', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    expect(await c.request({ method: 'no_such_method', params: {} })).toEqual({
      error: 'Method not found',
      code: -32601,
    });
    expect(await c.request({ method: '__proto__' })).toEqual({ error: 'Method not found', code: -32601 });
    expect(await c.request({ params: {} })).toEqual({
      error: 'Invalid Request: method must be a string',
      code: -32600,
    });
    expect(await c.request({ method: 'join_chat', params: { username: 7 } })).toEqual({
      error: 'Invalid params: username must be a string',
      code: -32602,
    });
    expect(await c.request({ method: 'join_chat', params: 'Alice' })).toMatchObject({ code: -32602 });
    c.write('{"method": "join_chat", "params": {"username": }}\n');
    expect(await c.next()).toMatchObject({ code: -32700 });
    c.write('hello there\n');
    expect(await c.next()).toMatchObject({ code: -32700 });
    c.write(`${'['.repeat(100)}${']'.repeat(100)}`);
    expect(await c.next()).toMatchObject({ code: -32600 });
    // Still in sync: the next request is answered normally.
    expect(await c.request({ method: 'get_users' })).toEqual({ status: 'success', users: [], count: 0 });
    // An empty array is an (empty) JSON-RPC batch: one Invalid Request, in JSON-RPC form.
    expect(await c.request([])).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request' },
      id: null,
    });
  });

  it('a truncated request is answered with -32700 at once, and the requests after it are answered', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    // No newline, nothing more: the error must not wait for brackets that never come.
    c.write('{"method": "send_message", "params": {bad');
    expect(await c.next(2000)).toMatchObject({ code: -32700 });
    c.write('\n{"method":"get_users"}');
    expect(await c.next()).toEqual({ status: 'success', users: [], count: 0 });
    // A request that starts at the byte where the error is found is the next request.
    c.write('{"method":"send_message","params":{{"method":"get_users"}');
    expect(await c.next()).toMatchObject({ code: -32700 });
    expect(await c.next()).toEqual({ status: 'success', users: [], count: 0 });
    // Top-level scalars are still one error per run of text up to the newline.
    c.write('42 "x" true\n');
    expect(await c.next()).toMatchObject({ code: -32700 });
    expect(await c.request({ method: 'get_users' })).toEqual({ status: 'success', users: [], count: 0 });
    expect(c.unread()).toEqual([]);
  });

  it('get_users: simple by default, detailed on request, no join needed', async () => {
    const { port } = await startServer();
    const alice = await RawClient.connect(port);
    await alice.join('Alice');
    const watcher = await RawClient.connect(port);
    expect(await watcher.request({ method: 'get_users', params: {} })).toEqual({
      status: 'success',
      users: ['Alice'],
      count: 1,
    });
    expect(await watcher.request({ method: 'get_users', params: { format: 'detailed' } })).toEqual({
      status: 'success',
      message: 'Users retrieved successfully',
      users: [{ username: 'Alice', address: `127.0.0.1:${alice.port}` }],
      count: 1,
    });
  });

  it('leave_chat replies and tells the others; a disconnect is an implicit leave', async () => {
    const { port, server } = await startServer();
    const alice = await RawClient.connect(port);
    const bob = await RawClient.connect(port);
    const carol = await RawClient.connect(port);
    await alice.join('Alice');
    await bob.join('Bob');
    await carol.join('Carol');
    expect(await alice.next()).toMatchObject({ message: 'Bob has joined the chat!' });
    expect(await alice.next()).toMatchObject({ message: 'Carol has joined the chat!' });
    expect(await bob.next()).toMatchObject({ message: 'Carol has joined the chat!' });
    expect(await alice.request({ method: 'leave_chat', params: {} })).toEqual({
      status: 'success',
      message: 'Left chat successfully',
    });
    expect(await bob.next()).toEqual({
      type: 'system',
      message: 'Alice has left the chat!',
      username: 'SYSTEM',
    });
    expect(await carol.next()).toEqual({
      type: 'system',
      message: 'Alice has left the chat!',
      username: 'SYSTEM',
    });
    bob.socket.destroy();
    expect(await carol.next()).toEqual({
      type: 'system',
      message: 'Bob has left the chat!',
      username: 'SYSTEM',
    });
    expect(server.sessions.map((s) => s.username)).toEqual(['Carol']);
    expect(alice.unread()).toEqual([]);
  });

  it('rejects requests over 8 KiB with one error, then closes', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    c.write(`{"method":"send_message","params":{"message":"${'x'.repeat(9000)}"}}`);
    expect(await c.next()).toEqual({
      error: 'Invalid Request: request larger than 8192 bytes',
      code: -32600,
    });
    await c.waitClosed();
    expect(c.messages).toHaveLength(1);
  });

  it('accepts a request of exactly the maximum size', async () => {
    const { port } = await startServer({ maxRequestBytes: 200 });
    const c = await RawClient.connect(port);
    const prefix = '{"method":"get_users","params":{"pad":"';
    const request = `${prefix}${'p'.repeat(200 - prefix.length - 3)}"}}`;
    expect(Buffer.byteLength(request)).toBe(200);
    expect(await c.request(JSON.parse(request))).toMatchObject({ status: 'success' });
    c.write(request.replace('"pad":"', '"pad":"p'));
    expect(await c.next()).toMatchObject({ code: -32600 });
    await c.waitClosed();
  });

  it('answers an HTTP request line with one error and closes', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    c.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(await c.next()).toEqual({
      error: 'Invalid Request: this is a JSON chat server, not an HTTP server',
      code: -32600,
    });
    await c.waitClosed();
    expect(c.messages).toHaveLength(1);
  });

  it('refuses connections over the limit with an error; a freed slot is reusable', async () => {
    const { port, server } = await startServer({ maxConnections: 2 });
    const a = await RawClient.connect(port);
    await RawClient.connect(port);
    const extra = await RawClient.connect(port);
    expect(await extra.next()).toEqual({ error: 'Too many connections', code: -32000 });
    await extra.waitClosed();
    a.socket.destroy();
    await connectionsReach(server, 1, 'slot freed');
    const again = await RawClient.connect(port);
    expect(await again.request({ method: 'get_users' })).toMatchObject({ status: 'success' });
  });

  it('closes clients that never join after the idle timeout, with a system message', async () => {
    // That a client which joins in time is kept is checked on fake timers in chat-service.test.ts:
    // here it would race a real timer against the machine's speed.
    const { port } = await startServer({ joinTimeoutMs: 300 });
    const idle = await RawClient.connect(port);
    expect(await idle.next()).toEqual({
      type: 'system',
      message: 'Disconnected: no join_chat within 300 ms',
      username: 'SYSTEM',
      code: 'IDLE_TIMEOUT',
    });
    await idle.waitClosed();
    expect(idle.unread()).toEqual([]);
  });
});
