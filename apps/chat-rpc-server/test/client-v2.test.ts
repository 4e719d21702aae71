import { describe, expect, it, onTestFinished } from 'vitest';
import { ChatClient } from '../src/client/client.js';
import type {
  ChatClientOptions,
  ChatEvent,
  JoinResult,
  PresenceEvent,
  PrivateEvent,
  ReadEvent,
  SystemEvent,
  TypingEvent,
} from '../src/client/types.js';
import { startCutProxy } from './cut-proxy.js';
import { RawClient, startServer, waitFor } from './helpers.js';

// The protocol-2 client over real sockets against the real server: each method, each event, and
// the session resume after a dropped connection (cut by a proxy between client and server).

/** A ChatClient on `port` that records its events; disconnected when the test ends. */
function client(port: number, options: ChatClientOptions = {}) {
  const c = new ChatClient({ port, ...options });
  onTestFinished(() => c.disconnect());
  const events = {
    chat: [] as ChatEvent[],
    private: [] as PrivateEvent[],
    system: [] as SystemEvent[],
    presence: [] as PresenceEvent[],
    typing: [] as TypingEvent[],
    read: [] as ReadEvent[],
  };
  c.on('chat', (e) => events.chat.push(e));
  c.on('private', (e) => events.private.push(e));
  c.on('system', (e) => events.system.push(e));
  c.on('presence', (e) => events.presence.push(e));
  c.on('typing', (e) => events.typing.push(e));
  c.on('read', (e) => events.read.push(e));
  return { c, ...events };
}

/** A connected client joined as `name`. */
async function joined(port: number, name: string, options: ChatClientOptions = {}) {
  const x = client(port, options);
  await x.c.connect();
  await x.c.join(name);
  return x;
}

const texts = (events: ChatEvent[]) => events.map((e) => e.message);

/** Resolves with the next `reconnected` event's join. */
function nextReconnect(c: ChatClient): Promise<JoinResult | undefined> {
  return new Promise((resolve) => c.once('reconnected', (e) => resolve(e.join)));
}

describe('ChatClient, protocol 2', () => {
  it('joins with a session; joins, lists and leaves rooms; room messages reach members only', async () => {
    const { port } = await startServer();
    const alice = client(port);
    await alice.c.connect();
    const join = await alice.c.join('Alice');
    expect(join).toEqual({
      username: 'Alice',
      users: ['Alice'],
      session: expect.any(String),
      rooms: ['general'],
      resumed: false,
    });
    expect(alice.c.session).toBe(join.session);
    const bob = await joined(port, 'Bob');
    const carol = await joined(port, 'Carol');

    expect(await alice.c.joinRoom('Dev')).toEqual({ room: 'Dev', users: ['Alice'] });
    // Names compare case-insensitively; the room keeps its creator's spelling.
    expect(await bob.c.joinRoom('dev')).toEqual({ room: 'Dev', users: ['Alice', 'Bob'] });
    expect(bob.c.rooms).toEqual(['general', 'Dev']);
    await waitFor(() => alice.system.some((s) => s.room === 'Dev'), 'room join notice');
    expect(alice.system.find((s) => s.room === 'Dev')).toEqual({
      room: 'Dev',
      message: 'Bob has joined Dev',
    });

    const sent = await bob.c.sendMessage('hi dev', 'dev');
    expect(sent).toEqual({ id: expect.stringMatching(/^\d+-\d+$/), room: 'Dev' });
    await bob.c.send('hi all'); // the spec's call: room general
    await waitFor(() => carol.chat.length === 1 && alice.chat.length === 2, 'room and general messages');
    expect(alice.chat).toEqual([
      { room: 'Dev', id: sent.id, username: 'Bob', message: 'hi dev', timestamp: expect.any(Number) },
      {
        room: 'general',
        id: expect.any(String),
        username: 'Bob',
        message: 'hi all',
        timestamp: expect.any(Number),
      },
    ]);
    // Carol is not in Dev: she got the general message only.
    expect(texts(carol.chat)).toEqual(['hi all']);
    await expect(carol.c.sendMessage('let me in', 'dev')).rejects.toMatchObject({ code: 'NOT_MEMBER' });

    expect(await carol.c.listRooms()).toEqual([
      { room: 'general', users: 3, joined: true },
      { room: 'Dev', users: 2, joined: false },
    ]);
    expect(await alice.c.getUsers({ room: 'dev' })).toEqual(['Alice', 'Bob']);

    await bob.c.leaveRoom('DEV');
    expect(bob.c.rooms).toEqual(['general']);
    await waitFor(() => alice.system.some((s) => s.message === 'Bob has left Dev'), 'room leave notice');
    expect(await alice.c.getUsers({ room: 'Dev' })).toEqual(['Alice']);
    await expect(bob.c.leaveRoom('general')).rejects.toMatchObject({ code: 'INVALID_ROOM' });
    await expect(bob.c.joinRoom('bad\u0007room')).rejects.toMatchObject({ code: 'INVALID_ROOM' });
  });

  it('private messages reach only their recipient; USER_NOT_FOUND for someone offline', async () => {
    const { port } = await startServer();
    const alice = await joined(port, 'Alice');
    const bob = await joined(port, 'Bob');
    const carol = await joined(port, 'Carol');
    const sent = await alice.c.sendPrivate('bob', 'psst');
    expect(sent).toEqual({ id: expect.any(String), to: 'Bob' });
    await waitFor(() => bob.private.length === 1, 'private message');
    expect(bob.private).toEqual([
      { id: sent.id, from: 'Alice', to: 'Bob', message: 'psst', timestamp: expect.any(Number) },
    ]);
    await expect(alice.c.sendPrivate('nobody', 'hello?')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    // A message after the private one reaches Carol: by then she would have had the private one too.
    await alice.c.send('done');
    await waitFor(() => carol.chat.length === 1, 'general message at Carol');
    expect(carol.private).toEqual([]);
    expect(alice.private).toEqual([]);
  });

  it('get_history pages back, oldest first; members only', async () => {
    const { port } = await startServer({ rateBurst: 100 });
    const alice = await joined(port, 'Alice');
    const bob = await joined(port, 'Bob');
    await alice.c.joinRoom('dev');
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push((await alice.c.sendMessage(`m${i}`, 'dev')).id ?? '');
    const latest = await alice.c.getHistory('dev', { limit: 3 });
    expect(latest.room).toBe('dev');
    expect(latest.hasMore).toBe(true);
    expect(latest.messages).toEqual(
      ['m3', 'm4', 'm5'].map((message, i) => ({
        id: ids[i + 2],
        room: 'dev',
        username: 'Alice',
        message,
        timestamp: expect.any(Number),
      })),
    );
    const older = await alice.c.getHistory('dev', { before: latest.messages[0]?.id });
    expect(texts(older.messages)).toEqual(['m1', 'm2']);
    expect(older.hasMore).toBe(false);
    expect(texts((await alice.c.getHistory('dev')).messages)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    await expect(bob.c.getHistory('dev')).rejects.toMatchObject({ code: 'NOT_MEMBER' });
  });

  it('presence, typing and read receipts as events; statuses in the detailed user list', async () => {
    const { port } = await startServer();
    const alice = await joined(port, 'Alice');
    const bob = await joined(port, 'Bob');
    await alice.c.joinRoom('dev');
    await bob.c.joinRoom('dev');

    await bob.c.setStatus('away', 'lunch');
    await waitFor(() => alice.presence.length === 1, 'presence event');
    expect(alice.presence).toEqual([{ username: 'Bob', status: 'away', text: 'lunch' }]);
    expect(await alice.c.getUsersDetailed({ room: 'dev' })).toEqual([
      { username: 'Alice', address: expect.any(String), status: 'online', text: '' },
      { username: 'Bob', address: expect.any(String), status: 'away', text: 'lunch' },
    ]);
    await bob.c.setStatus('online');
    await waitFor(() => alice.presence.length === 2, 'back online');
    expect(alice.presence[1]).toEqual({ username: 'Bob', status: 'online', text: '' });

    await bob.c.typing('dev');
    await waitFor(() => alice.typing.length === 1, 'typing event');
    expect(alice.typing).toEqual([{ room: 'dev', username: 'Bob' }]);
    // One per second per user and room.
    await expect(bob.c.typing('dev')).rejects.toMatchObject({ code: 'RATE_LIMITED' });

    const { id } = await alice.c.sendMessage('read me', 'dev');
    await waitFor(() => bob.chat.length === 1, 'message to read');
    await bob.c.markRead('dev', id ?? '');
    await waitFor(() => alice.read.length === 1, 'read event');
    expect(alice.read).toEqual([{ room: 'dev', username: 'Bob', id }]);
    expect(bob.typing).toEqual([]); // nobody gets their own
    expect(bob.read).toEqual([]);
  });
  it('listRooms and getUsers follow the pages of a long list to its end', async () => {
    // A reply budget of a quarter of 4 KiB: a page holds about 15 of these rooms or 30 of these names.
    const { port } = await startServer({ maxOutputBytes: 4096, rateBurst: 100 });
    const alice = await joined(port, 'Alice');
    const rooms = Array.from({ length: 40 }, (_, i) => `room-with-a-long-name-${String(i).padStart(2, '0')}`);
    for (const room of rooms) await alice.c.joinRoom(room);
    const raw = await alice.c.request('list_rooms', {});
    expect(raw.has_more).toBe(true); // the server did page
    const listed = await alice.c.listRooms();
    expect(listed.map((r) => r.room)).toEqual(['general', ...rooms]);
    expect(listed.every((r) => r.users === 1 && r.joined)).toBe(true);

    const names = Array.from({ length: 40 }, (_, i) => `user-with-a-long-name-${i}`);
    for (const name of names) await joined(port, name);
    expect((await alice.c.request('get_users', {})).has_more).toBe(true);
    expect(await alice.c.getUsers()).toEqual(['Alice', ...names]);
    expect((await alice.c.getUsersDetailed()).map((u) => u.username)).toEqual(['Alice', ...names]);
  });
});

describe('ChatClient session resume', () => {
  it('after a dropped connection: same name and rooms, missed messages once and in order, then live ones', async () => {
    const { port } = await startServer({ rateBurst: 1000, ratePerSecond: 1000 });
    const proxy = await startCutProxy(port);
    const alice = client(proxy.port, { reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
    await alice.c.connect();
    await alice.c.join('Alice');
    await alice.c.joinRoom('dev');
    const bob = await joined(port, 'Bob');
    await bob.c.joinRoom('dev');
    await bob.c.sendMessage('before', 'dev');
    await waitFor(() => alice.chat.length === 1, 'first message');
    // Alice's own messages are not echoed to her, and must not come back with the replay.
    await alice.c.sendMessage('mine', 'dev');

    // Bob posts while the link is being cut, while it is down and while Alice reconnects: whatever
    // was in flight when it broke is replayed, nothing twice.
    const posted: string[] = [];
    const post = async (n: number, room: string) => {
      for (let i = 0; i < n; i++) {
        const text = `${room}-${posted.length}`;
        posted.push(text);
        await bob.c.sendMessage(text, room);
      }
    };
    const closed = new Promise<void>((resolve) => alice.c.once('close', () => resolve()));
    const burst = post(20, 'dev');
    proxy.cut();
    await closed;
    await burst;
    await waitFor(
      () => bob.system.some((s) => s.message === 'Alice has left the chat!'),
      'server saw the drop',
    );
    await post(5, 'general');
    await post(5, 'dev');
    const reconnected = nextReconnect(alice.c);
    proxy.restore();
    const join = await reconnected;
    expect(join).toMatchObject({ username: 'Alice', resumed: true, recovered: true });
    expect(join?.rooms).toEqual(['general', 'dev']);
    await post(3, 'dev');
    await waitFor(() => alice.chat.length === 1 + posted.length, 'every message at Alice');
    expect(texts(alice.chat)).toEqual(['before', ...posted]);
    const ids = alice.chat.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(alice.c.username).toBe('Alice');
    expect(alice.c.rooms).toEqual(['general', 'dev']);
    // One more round trip: nothing else arrives (no late duplicate).
    await bob.c.sendMessage('last', 'dev');
    await waitFor(() => alice.chat.length === 2 + posted.length, 'last message');
    expect(texts(alice.chat).filter((t) => t === 'mine')).toEqual([]);
  });

  it('when the server no longer holds the session, re-enters the rooms and fetches the missed messages', async () => {
    // sessionTtlMs 0: no resume, every reconnect is a new session.
    const { port } = await startServer({ sessionTtlMs: 0 });
    const proxy = await startCutProxy(port);
    const alice = client(proxy.port, { reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
    await alice.c.connect();
    const first = await alice.c.join('Alice');
    await alice.c.joinRoom('dev');
    const bob = await joined(port, 'Bob');
    await bob.c.joinRoom('dev');
    await bob.c.sendMessage('seen', 'dev');
    await waitFor(() => alice.chat.length === 1, 'first message');
    const closed = new Promise<void>((resolve) => alice.c.once('close', () => resolve()));
    proxy.cut();
    await closed;
    await waitFor(
      () => bob.system.some((s) => s.message === 'Alice has left the chat!'),
      'server saw the drop',
    );
    await bob.c.sendMessage('missed 1', 'dev');
    await bob.c.sendMessage('missed 2', 'dev');
    const reconnected = nextReconnect(alice.c);
    proxy.restore();
    const join = await reconnected;
    expect(join).toMatchObject({
      username: 'Alice',
      resumed: false,
      recovered: true,
      rooms: ['general', 'dev'],
    });
    expect(join?.session).not.toBe(first.session);
    await bob.c.sendMessage('live', 'dev');
    await waitFor(() => alice.chat.length === 4, 'missed and live messages');
    expect(texts(alice.chat)).toEqual(['seen', 'missed 1', 'missed 2', 'live']);
  });

  it('a session resumed elsewhere closes this connection for good (SESSION_TAKEN_OVER, no reconnect)', async () => {
    const { port } = await startServer();
    const alice = client(port, { reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
    await alice.c.connect();
    await alice.c.join('Alice');
    const closes: boolean[] = [];
    const closed = new Promise<void>((resolve) =>
      alice.c.once('close', (e) => {
        closes.push(e.willReconnect);
        resolve();
      }),
    );
    const other = await RawClient.connect(port);
    const reply = await other.call({
      method: 'join_chat',
      params: { username: 'Alice', session: alice.c.session },
    });
    expect(reply).toMatchObject({ status: 'success', resumed: true });
    await closed;
    expect(alice.system.at(-1)).toMatchObject({ code: 'SESSION_TAKEN_OVER' });
    expect(closes).toEqual([false]);
    expect(alice.c.connected).toBe(false);
  });
});
