import { scaled } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { startServer, waitFor } from './helpers.js';
import { DIALECTS, V2Client } from './v2-client.js';

type Message = Record<string, unknown>;

/** Compares two message ids as the README says: milliseconds, then sequence. */
function compareIds(a: string, b: string): number {
  const [x, y] = [a, b].map((id) => id.split('-').map(Number)) as [[number, number], [number, number]];
  return x[0] - y[0] || x[1] - y[1];
}

/** Drops the client's connection the way a network failure would (no leave_chat, no FIN handshake wait). */
function drop(client: V2Client): void {
  client.raw.socket.destroy();
}

describe.each(DIALECTS)('resume (%s)', (dialect) => {
  it('misses nothing after a dropped connection: messages sent while away and during the reconnect, in order, none twice', async () => {
    const { port, server } = await startServer({ rateBurst: 100 });
    const alice = await V2Client.connect(port, dialect);
    const bob = await V2Client.connect(port, dialect);
    const joined = await alice.join('Alice');
    await bob.join('Bob');
    await alice.call('join_room', { room: 'dev' });
    await bob.call('join_room', { room: 'dev' });
    await alice.call('set_status', { status: 'busy', text: 'deep work' });
    await bob.call('send_message', { room: 'dev', message: 'seen 1' });
    await bob.call('send_message', { message: 'seen 2' });
    const seen = await alice.notificationMatching({ message: 'seen 2' });
    const lastId = seen.id as string;

    drop(alice);
    await bob.notificationMatching({ message: 'Alice has left the chat!' });
    await waitFor(() => server.sessions.length === 1, 'the server to notice the drop');
    const away = [];
    for (const [room, message] of [
      ['dev', 'away 1'],
      ['general', 'away 2'],
      ['dev', 'away 3'],
    ])
      away.push(await bob.call('send_message', { room, message }));

    // During the reconnect: one message just before the resume request, one right after it.
    const again = await V2Client.connect(port, dialect);
    bob.send('send_message', { room: 'dev', message: 'racing 1' });
    again.send('join_chat', { username: 'Alice', session: joined.session, last_id: lastId });
    bob.send('send_message', { message: 'racing 2' });
    const reply = await again.reply();
    expect(reply).toEqual({
      status: 'success',
      message: 'Joined chat as Alice',
      users: ['Bob', 'Alice'],
      session: joined.session,
      rooms: ['general', 'dev'],
      resumed: true,
      recovered: true,
    });
    const racing = [await bob.reply(), await bob.reply()];
    const expected = ['away 1', 'away 2', 'away 3', 'racing 1', 'racing 2'];
    const chats: Message[] = [];
    for (const _ of expected) chats.push(await again.notification());
    await again.expectNoNotification();
    expect(chats.map((n) => n.message)).toEqual(expected);
    const ids = chats.map((n) => n.id as string);
    expect(ids).toEqual([...away, ...racing].map((r) => r.id));
    expect([...ids].sort(compareIds)).toEqual(ids);
    expect(chats.every((n) => compareIds(n.id as string, lastId) > 0)).toBe(true);
    // The name, rooms and status came back; the others saw a leave and a join.
    expect(
      await bob.notificationMatching({ type: 'system', message: 'Alice has joined the chat!' }),
    ).toBeDefined();
    expect(await bob.call('get_users', { format: 'detailed', room: 'dev' })).toMatchObject({
      users: [
        { username: 'Bob', status: 'online' },
        { username: 'Alice', status: 'busy', text: 'deep work' },
      ],
    });
    expect(await again.call('send_message', { room: 'dev', message: 'back' })).toMatchObject({
      status: 'success',
    });
  });

  it('the name is held during --session-ttl, then released; an expired, unknown or foreign session is a new join', async () => {
    const { port, server } = await startServer({
      sessionTtlMs: 400,
      duplicateNames: 'reject',
      rateBurst: 1000,
    });
    const alice = await V2Client.connect(port, dialect);
    const joined = await alice.join('Alice');
    drop(alice);
    const dropped = Date.now();
    await waitFor(() => server.sessions.length === 0, 'the server to notice the drop');
    const thief = await V2Client.connect(port, dialect);
    expect(await thief.call('join_chat', { username: 'alice', protocol: 2 })).toMatchObject({
      status: 'error',
      code: 'USERNAME_TAKEN',
    });
    // A session is only good for its own name.
    const other = await thief.join('Mallory', { session: joined.session });
    expect(other).toMatchObject({ message: 'Joined chat as Mallory', resumed: false });
    expect(other.session).not.toBe(joined.session);
    // Once the hold ends the name is free (polled: the hold's timer is the server's), and the old
    // session is no use any more.
    const late = await V2Client.connect(port, dialect);
    const deadline = Date.now() + scaled(5000);
    for (;;) {
      const reply = await late.call('join_chat', { username: 'Alice', protocol: 2 });
      if (reply.status === 'success') break;
      expect(reply).toMatchObject({ code: 'USERNAME_TAKEN' });
      if (Date.now() > deadline) throw new Error('the hold did not end within 5 s of its 400 ms TTL');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(Date.now() - dropped).toBeGreaterThanOrEqual(350);
    await late.notification();
    await late.call('leave_chat');
    const expired = await late.join('Alice', { session: joined.session });
    expect(expired).toMatchObject({ message: 'Joined chat as Alice', resumed: false });
    expect(expired.session).not.toBe(joined.session);
  });

  it('without last_id the replay starts after the last message stored before the drop', async () => {
    const { port, server } = await startServer();
    const alice = await V2Client.connect(port, dialect);
    const bob = await V2Client.connect(port, dialect);
    const joined = await alice.join('Alice');
    await bob.join('Bob');
    await bob.call('send_message', { message: 'before' });
    await alice.notificationMatching({ message: 'before' });
    drop(alice);
    await waitFor(() => server.sessions.length === 1, 'the server to notice the drop');
    await bob.call('send_message', { message: 'after' });
    const again = await V2Client.connect(port, dialect);
    expect(await again.join('Alice', { session: joined.session })).toMatchObject({
      resumed: true,
      recovered: true,
    });
    expect(await again.notification()).toMatchObject({ type: 'chat', message: 'after' });
    await again.expectNoNotification();
  });

  it('recovered is false when the bounded history already dropped messages after last_id', async () => {
    const { port, server } = await startServer({ historySize: 2, rateBurst: 100 });
    const alice = await V2Client.connect(port, dialect);
    const bob = await V2Client.connect(port, dialect);
    const joined = await alice.join('Alice');
    await bob.join('Bob');
    const last = (await bob.call('send_message', { message: 'seen' })).id;
    drop(alice);
    await waitFor(() => server.sessions.length === 1, 'the server to notice the drop');
    for (const message of ['lost', 'kept 1', 'kept 2']) await bob.call('send_message', { message });
    const again = await V2Client.connect(port, dialect);
    expect(await again.join('Alice', { session: joined.session, last_id: last })).toMatchObject({
      resumed: true,
      recovered: false,
    });
    expect((await again.notification()).message).toBe('kept 1');
    expect((await again.notification()).message).toBe('kept 2');
  });

  it('resuming while the old connection is still open takes it over: it is told and closed, the others see nothing', async () => {
    const { port } = await startServer();
    const alice = await V2Client.connect(port, dialect);
    const bob = await V2Client.connect(port, dialect);
    const joined = await alice.join('Alice');
    await bob.join('Bob');
    await alice.notificationMatching({ message: 'Bob has joined the chat!' });
    const again = await V2Client.connect(port, dialect);
    expect(await again.join('Alice', { session: joined.session })).toMatchObject({
      resumed: true,
      users: ['Alice', 'Bob'],
    });
    expect(await alice.notification()).toEqual({
      type: 'system',
      message: 'Session resumed on another connection',
      username: 'SYSTEM',
      code: 'SESSION_TAKEN_OVER',
    });
    await alice.raw.waitClosed();
    await bob.call('send_message', { message: 'still there?' });
    expect(await again.notification()).toMatchObject({ type: 'chat', message: 'still there?' });
    await bob.expectNoNotification();
    expect(await bob.call('get_users')).toMatchObject({ users: ['Alice', 'Bob'] });
  });

  it('leave_chat ends the session: no resume, the name is free at once', async () => {
    const { port } = await startServer({ duplicateNames: 'reject' });
    const alice = await V2Client.connect(port, dialect);
    const joined = await alice.join('Alice');
    await alice.call('leave_chat');
    drop(alice);
    const again = await V2Client.connect(port, dialect);
    expect(await again.join('Alice', { session: joined.session })).toMatchObject({
      status: 'success',
      resumed: false,
    });
  });

  it('a spec (protocol 1) client has no session: its name is free as soon as it drops', async () => {
    const { port, server } = await startServer({ duplicateNames: 'reject' });
    const spec = await V2Client.connect(port, dialect);
    expect(await spec.join('Old', { protocol: 1 })).toEqual({
      status: 'success',
      message: 'Joined chat as Old',
      users: ['Old'],
    });
    drop(spec);
    await waitFor(() => server.sessions.length === 0, 'the server to notice the drop');
    const next = await V2Client.connect(port, dialect);
    expect(await next.join('Old')).toMatchObject({ status: 'success', resumed: false });
  });
});

describe('a replay larger than the output cap', () => {
  it('is paced by the reader instead of cutting it off, and live messages wait until it is done', async () => {
    // 2,000 messages of ~4 KB: 8 MB, more than the kernel's socket buffers take from a paused reader.
    const count = 2000;
    const { port, server } = await startServer({
      rateBurst: count + 100,
      ratePerSecond: 1000,
      historySize: count,
      maxOutputBytes: 64 * 1024,
    });
    const alice = await V2Client.connect(port, 'plain');
    const bob = await V2Client.connect(port, 'plain');
    const joined = await alice.join('Alice');
    await bob.join('Bob');
    const lastId = (await bob.call('send_message', { message: 'seen' })).id;
    drop(alice);
    await waitFor(() => server.sessions.length === 1, 'the server to notice the drop');
    const text = '😀'.repeat(990);
    for (let i = 0; i < count; i++) bob.send('send_message', { message: `${i} ${text}` });
    for (let i = 0; i < count; i++) expect(await bob.reply(20_000)).toMatchObject({ status: 'success' });

    const again = await V2Client.connect(port, 'plain');
    again.raw.socket.pause();
    again.send('join_chat', { username: 'Alice', session: joined.session, last_id: lastId });
    // Attached means the replay has started (same tick); it waits for the paused reader, and these
    // arrive meanwhile and are held back.
    await waitFor(() => server.sessions.some((s) => s.username === 'Alice'), 'the resume');
    await bob.call('send_message', { message: 'live 1' });
    await bob.call('send_message', { message: 'live 2' });
    again.raw.socket.resume();
    expect(await again.reply(20_000)).toMatchObject({ resumed: true, recovered: true });
    await waitFor(
      () => again.raw.closed || again.notifications.filter((n) => n.type === 'chat').length >= count + 2,
      'the whole replay and the live messages',
      30_000,
    );
    expect(again.raw.closed).toBe(false);
    const chats: Message[] = again.notifications.filter((n) => n.type === 'chat');
    expect(chats).toHaveLength(count + 2);
    expect(chats.slice(0, count).map((n) => String(n.message).split(' ')[0])).toEqual(
      Array.from({ length: count }, (_, i) => String(i)),
    );
    expect(chats.slice(count).map((n) => n.message)).toEqual(['live 1', 'live 2']);
  }, 60_000);
});
