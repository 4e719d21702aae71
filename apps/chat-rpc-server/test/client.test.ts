import { createServer, type Socket } from 'node:net';
import { ProtocolError } from '@sockworks/error-codes';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ChatClient } from '../src/client/client.js';
import type { ChatEvent, SystemEvent } from '../src/client/types.js';
import { createChatServer } from '../src/server/server.js';
import { startServer, waitFor } from './helpers.js';

function client(port: number, options: ConstructorParameters<typeof ChatClient>[0] = {}) {
  const c = new ChatClient({ port, ...options });
  onTestFinished(() => c.disconnect());
  const chats: ChatEvent[] = [];
  const system: SystemEvent[] = [];
  c.on('chat', (e) => chats.push(e));
  c.on('system', (e) => system.push(e));
  return { c, chats, system };
}

async function codeOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    expect(ProtocolError.is(err)).toBe(true);
    return (err as ProtocolError).code;
  }
  throw new Error('expected a rejection');
}

describe('ChatClient', () => {
  it('connects, joins, sends, lists users, leaves and disconnects; events for chat and system', async () => {
    const { port } = await startServer();
    const alice = client(port);
    const bob = client(port);
    await alice.c.connect();
    await bob.c.connect();
    expect(await alice.c.join('Alice')).toEqual({
      username: 'Alice',
      users: ['Alice'],
      session: expect.any(String),
      rooms: ['general'],
      resumed: false,
    });
    expect(alice.c.username).toBe('Alice');
    await bob.c.join('Bob');
    await bob.c.send('hi Alice');
    await waitFor(() => alice.chats.length === 1, 'chat event');
    expect(alice.chats).toEqual([
      {
        username: 'Bob',
        message: 'hi Alice',
        room: 'general',
        id: expect.any(String),
        timestamp: expect.any(Number),
      },
    ]);
    expect(bob.chats).toEqual([]);
    expect(alice.system.map((s) => s.message)).toEqual([
      'Welcome to the chat, Alice!',
      'Bob has joined the chat!',
    ]);
    expect(await alice.c.getUsers()).toEqual(['Alice', 'Bob']);
    expect((await alice.c.getUsersDetailed()).map((u) => u.username)).toEqual(['Alice', 'Bob']);
    await bob.c.leave();
    await waitFor(() => alice.system.length === 3, 'leave notice');
    expect(alice.system[2]).toEqual({ message: 'Bob has left the chat!' });
    await bob.c.disconnect();
    expect(bob.c.connected).toBe(false);
    expect(await codeOf(bob.c.send('late'))).toBe('CONNECTION_CLOSED');
  });

  it('rejects with the server code; matches replies to requests in order', async () => {
    const { port } = await startServer({ duplicateNames: 'reject' });
    const a = client(port);
    const b = client(port);
    await a.c.connect();
    await b.c.connect();
    expect(await codeOf(a.c.send('too early'))).toBe('NOT_JOINED');
    expect(await codeOf(a.c.request('nope'))).toBe(-32601);
    await a.c.join('Alice');
    expect(await codeOf(b.c.join('alice'))).toBe('USERNAME_TAKEN');
    // Many requests in flight at once: each gets its own reply.
    const results = await Promise.allSettled([
      b.c.getUsers(),
      b.c.send('not joined'),
      b.c.join('Bob'),
      b.c.send('now joined'),
      b.c.getUsers(),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect((results[0] as PromiseFulfilledResult<string[]>).value).toEqual(['Alice']);
    expect((results[4] as PromiseFulfilledResult<string[]>).value).toEqual(['Alice', 'Bob']);
  });

  it('business errors: a ChatErrorCode is kept; no code or an unknown one becomes -32000 with the raw code in data', async () => {
    // A spec-style server: errors carry no code, or one this client does not know.
    const replies = [
      '{"status":"error","message":"Username already taken"}',
      '{"status":"error","code":"FUTURE_CODE","message":"Something new"}',
      '{"status":"error","code":"USERNAME_TAKEN","message":"Username already taken"}',
    ];
    const peers: Socket[] = [];
    const fake = createServer((socket) => {
      peers.push(socket);
      socket.setEncoding('utf8');
      socket.on('data', (t: string) => {
        for (const _ of t.split('\n').filter(Boolean)) socket.write(`${replies.shift() ?? '{}'}\n`);
      });
    });
    onTestFinished(() => {
      for (const p of peers) p.destroy();
      fake.close();
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const address = fake.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const c = client(port);
    await c.c.connect();
    const errorOf = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (err: unknown) => err,
      );
    const [noCode, unknown, known] = await Promise.all([
      errorOf(c.c.join('Alice')),
      errorOf(c.c.send('hi')),
      errorOf(c.c.join('Alice')),
    ]);
    expect(noCode).toMatchObject({
      code: -32000,
      message: 'Username already taken',
      data: { code: undefined },
    });
    expect(unknown).toMatchObject({ code: -32000, message: 'Something new', data: { code: 'FUTURE_CODE' } });
    expect(known).toMatchObject({ code: 'USERNAME_TAKEN', message: 'Username already taken' });
    for (const err of [noCode, unknown, known]) expect(ProtocolError.is(err)).toBe(true);
  });

  it('fails to connect with CONNECT_FAILED', async () => {
    const { port, server } = await startServer();
    await server.close();
    const c = client(port);
    expect(await codeOf(c.c.connect())).toBe('CONNECT_FAILED');
  });

  it('reconnects with backoff after the server goes away and re-joins under the same name', async () => {
    const { port, server } = await startServer();
    const r = client(port, { reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
    await r.c.connect();
    await r.c.join('Phoenix');
    const reconnected = new Promise<unknown>((resolve) => r.c.once('reconnected', resolve));
    const closes: boolean[] = [];
    r.c.on('close', (e) => closes.push(e.willReconnect));
    await server.close();
    expect(r.system.at(-1)).toEqual({ message: 'Server is shutting down' });
    const again = createChatServer({ port, joinTimeoutMs: 0 });
    onTestFinished(() => again.close({ timeoutMs: 500 }));
    await again.listen();
    // A new server does not know the session: a new one, in general again.
    expect(await reconnected).toEqual({
      join: {
        username: 'Phoenix',
        users: ['Phoenix'],
        session: expect.any(String),
        rooms: ['general'],
        resumed: false,
        recovered: true,
      },
    });
    expect(closes).toEqual([true]);
    expect(again.sessions.map((s) => s.username)).toEqual(['Phoenix']);
    await r.c.disconnect();
    await waitFor(() => again.sessions.length === 0, 'session gone after disconnect');
  });

  it('answers heartbeats with a ping, so the server keeps it; without answers it is dropped', async () => {
    // Beats only when the test advances the faked interval timer (sockets run on real time), so a
    // slow machine cannot make an answering client miss its deadline.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const { port, server } = await startServer({ heartbeatIntervalMs: 1000 });
    const steady = client(port);
    const mute = client(port, { answerHeartbeats: false });
    await steady.c.connect();
    await mute.c.connect();
    await steady.c.join('Steady');
    await mute.c.join('Mute');
    // The automatic answer is the only traffic: wait for its pong before the next beat.
    const pings = vi.spyOn(steady.c, 'request');
    const beats = { steady: 0, mute: 0 };
    steady.c.on('heartbeat', () => beats.steady++);
    mute.c.on('heartbeat', () => beats.mute++);
    for (let beat = 1; beat <= 3; beat++) {
      vi.advanceTimersByTime(1000);
      await waitFor(() => beats.steady === beat, `heartbeat ${beat}`);
      if (beat === 1) await waitFor(() => beats.mute === 1, 'the mute client sees beat 1');
      expect(pings).toHaveBeenLastCalledWith('ping');
      await pings.mock.results.at(-1)?.value;
    }
    // The mute client got beat 1 and was dropped at beat 2; the answering one is still there.
    expect(beats.mute).toBe(1);
    await waitFor(() => !mute.c.connected, 'mute client dropped');
    expect(steady.c.connected).toBe(true);
    expect(server.sessions.map((s) => s.username)).toEqual(['Steady']);
  });

  it('a timed-out request keeps its place: its late reply is dropped, the next request gets its own', async () => {
    // A hand-written server that answers nothing until the second request, then both at once.
    let peer: Socket | undefined;
    let received = 0;
    const fake = createServer((socket) => {
      peer = socket;
      socket.setEncoding('utf8');
      socket.on('data', (t: string) => {
        received += t.split('\n').filter(Boolean).length;
        if (received !== 2) return;
        socket.write('{"status":"success","users":["late"],"count":1}\n');
        socket.write('{"type":"chat","message":"in between","username":"X"}\n');
        socket.write('{"status":"success","users":["right"],"count":1}\n');
      });
    });
    onTestFinished(() => {
      peer?.destroy();
      fake.close();
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const address = fake.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const c = client(port, { requestTimeoutMs: 300 });
    await c.c.connect();
    expect(await codeOf(c.c.getUsers())).toBe('REQUEST_TIMEOUT');
    const second = c.c.getUsers();
    expect(await second).toEqual(['right']);
    expect(c.chats).toEqual([{ username: 'X', message: 'in between' }]);
  });
});
