import { describe, expect, it } from 'vitest';
import { RawClient, startServer, waitFor } from './helpers.js';
import { DIALECTS, V2Client } from './v2-client.js';

const ID = expect.stringMatching(/^\d+-\d+$/);

describe.each(DIALECTS)('presence, typing, read marks, private messages (%s)', (dialect) => {
  it('set_status: everyone else with protocol 2 gets the presence; get_users shows statuses', async () => {
    const { port } = await startServer();
    const alice = await V2Client.connect(port, dialect);
    const bob = await V2Client.connect(port, dialect);
    const spec = await RawClient.connect(port);
    await alice.join('Alice');
    await bob.join('Bob');
    await spec.join('Spec');
    expect(await alice.call('set_status', { status: 'away', text: ' lunch ' })).toEqual({
      status: 'success',
      message: 'Status set to away',
    });
    expect(await bob.notificationMatching({ type: 'presence' })).toEqual({
      type: 'presence',
      username: 'Alice',
      status: 'away',
      text: 'lunch',
    });
    expect(await alice.call('set_status', { status: 'online' })).toMatchObject({ status: 'success' });
    expect(await bob.notification()).toEqual({
      type: 'presence',
      username: 'Alice',
      status: 'online',
      text: '',
    });
    await alice.call('set_status', { status: 'busy', text: 'call' });
    expect(await bob.call('get_users', { format: 'detailed' })).toEqual({
      status: 'success',
      message: 'Users retrieved successfully',
      users: [
        { username: 'Alice', address: expect.any(String), status: 'busy', text: 'call' },
        { username: 'Bob', address: expect.any(String), status: 'online', text: '' },
        { username: 'Spec', address: expect.any(String), status: 'online', text: '' },
      ],
      count: 3,
      has_more: false,
    });
    expect(await bob.call('get_users', { room: 'general' })).toEqual({
      status: 'success',
      users: ['Alice', 'Bob', 'Spec'],
      count: 3,
      has_more: false,
    });
    expect(await bob.call('get_users', { room: 'general', offset: 2 })).toMatchObject({ users: ['Spec'] });
    expect(await bob.call('get_users', { offset: -1 })).toMatchObject({ code: -32602 });
    expect(await bob.call('get_users', { room: 'nowhere' })).toEqual({
      status: 'success',
      users: [],
      count: 0,
      has_more: false,
    });
    expect(await bob.call('get_users', { room: '\u0000' })).toMatchObject({ code: 'INVALID_ROOM' });
    for (const bad of [{ status: 'gone' }, {}, { status: 'away', text: 5 }])
      expect(await alice.call('set_status', bad)).toMatchObject({ code: -32602 });
    expect(await alice.call('set_status', { status: 'away', text: 'x'.repeat(101) })).toMatchObject({
      code: 'INVALID_STATUS',
    });
    // The spec client saw none of it (its get_users is still the spec's too).
    expect(await spec.call({ method: 'get_users', params: { format: 'detailed' } })).toMatchObject({
      users: [
        { username: 'Alice', address: expect.any(String) },
        { username: 'Bob', address: expect.any(String) },
        { username: 'Spec', address: expect.any(String) },
      ],
    });
    expect(spec.messages.filter((m) => 'type' in m && m.type !== 'system')).toEqual([]);
  });

  it('typing: other members get it, not stored, at most one per second per user and room', async () => {
    let now = 0;
    const { port } = await startServer({ now: () => now });
    const [alice, bob, carol] = await V2Client.trio(port, dialect);
    await alice.call('join_room', { room: 'dev' });
    await bob.call('join_room', { room: 'dev' });
    expect(await alice.call('typing', { room: 'dev' })).toEqual({
      status: 'success',
      message: 'Typing sent',
    });
    expect(await bob.notificationMatching({ type: 'typing' })).toEqual({
      type: 'typing',
      room: 'dev',
      username: 'Alice',
    });
    const limited = await alice.call('typing', { room: 'dev' });
    expect(limited).toMatchObject({
      status: 'error',
      code: 'RATE_LIMITED',
      message: 'Rate limit exceeded, retry in 1000 ms',
    });
    if (dialect === 'jsonrpc') expect(limited.rpcCode).toBe(-32029);
    // Another room has its own second.
    expect(await alice.call('typing', { room: 'general' })).toMatchObject({ status: 'success' });
    now += 999;
    expect(await alice.call('typing', { room: 'dev' })).toMatchObject({ code: 'RATE_LIMITED' });
    now += 1;
    expect(await alice.call('typing', { room: 'dev' })).toMatchObject({ status: 'success' });
    expect(await carol.call('typing', { room: 'dev' })).toMatchObject({ code: 'NOT_MEMBER' });
    expect(await bob.call('get_history', { room: 'dev' })).toMatchObject({ messages: [] });
    const typings = bob.notifications.filter((n) => n.type === 'typing');
    expect(typings).toEqual([
      { type: 'typing', room: 'dev', username: 'Alice' },
      { type: 'typing', room: 'general', username: 'Alice' },
      { type: 'typing', room: 'dev', username: 'Alice' },
    ]);
    expect(carol.notifications.filter((n) => n.type === 'typing')).toEqual([
      { type: 'typing', room: 'general', username: 'Alice' },
    ]);
    expect(alice.notifications.filter((n) => n.type === 'typing')).toEqual([]);
  });

  it('mark_read: the other members get the read mark; ids after the latest message are refused', async () => {
    const { port } = await startServer();
    const alice = await V2Client.connect(port, dialect);
    const bob = await V2Client.connect(port, dialect);
    await alice.join('Alice');
    await bob.join('Bob');
    expect(await bob.call('mark_read', { room: 'general', id: '1-0' })).toMatchObject({ code: -32602 });
    const sent = await alice.call('send_message', { message: 'read me' });
    expect(await bob.call('mark_read', { room: 'general', id: sent.id })).toEqual({
      status: 'success',
      message: 'Marked read',
    });
    expect(await alice.notificationMatching({ type: 'read' })).toEqual({
      type: 'read',
      room: 'general',
      username: 'Bob',
      id: sent.id,
    });
    const [ms, seq] = String(sent.id).split('-').map(Number) as [number, number];
    expect(await bob.call('mark_read', { room: 'general', id: `${ms}-${seq + 1}` })).toMatchObject({
      code: -32602,
    });
    expect(await bob.call('mark_read', { room: 'general', id: 'latest' })).toMatchObject({ code: -32602 });
    expect(await bob.call('mark_read', { room: 'dev', id: sent.id })).toMatchObject({ code: 'NOT_MEMBER' });
  });

  it('send_private: only the recipient gets it; offline users (gone or disconnected and held) are USER_NOT_FOUND', async () => {
    const { port, server } = await startServer();
    const [alice, bob, carol] = await V2Client.trio(port, dialect);
    const sent = await alice.call('send_private', { to: ' bob ', message: 'psst' });
    expect(sent).toEqual({ status: 'success', message: 'Private message sent', id: ID, to: 'Bob' });
    expect(await bob.notificationMatching({ type: 'private' })).toEqual({
      type: 'private',
      id: sent.id,
      from: 'Alice',
      to: 'Bob',
      message: 'psst',
      timestamp: expect.any(Number),
    });
    expect(await alice.call('send_private', { to: 'Nobody', message: 'hi' })).toEqual({
      status: 'error',
      code: 'USER_NOT_FOUND',
      message: 'Nobody is not online',
      ...(dialect === 'jsonrpc' ? { rpcCode: -32000 } : {}),
    });
    expect(await alice.call('send_private', { to: 'Bob', message: '' })).toMatchObject({
      code: 'INVALID_MESSAGE',
    });
    expect(await alice.call('send_private', { to: 'Bob' })).toMatchObject({ code: -32602 });
    // Bob drops: his session is held (the name stays his) but he is not online.
    bob.raw.socket.destroy();
    await waitFor(() => server.sessions.length === 2, 'the server to notice the drop');
    expect(await alice.call('send_private', { to: 'Bob', message: 'there?' })).toMatchObject({
      code: 'USER_NOT_FOUND',
    });
    await carol.call('ping');
    expect(carol.notifications.filter((n) => n.type === 'private')).toEqual([]);
  });

  it('every new kind takes a token from the rate limit bucket', async () => {
    let now = 0;
    const { port } = await startServer({ now: () => now, rateBurst: 1, ratePerSecond: 1 });
    const alice = await V2Client.connect(port, dialect);
    const bob = await V2Client.connect(port, dialect);
    await bob.join('Bob');
    await alice.join('Alice');
    const calls: [string, Record<string, unknown>][] = [
      ['join_room', { room: 'dev' }],
      ['send_message', { room: 'dev', message: 'hi' }],
      ['send_private', { to: 'Bob', message: 'hi' }],
      ['set_status', { status: 'away' }],
      ['typing', { room: 'general' }],
      ['leave_room', { room: 'dev' }],
    ];
    for (const [method, params] of calls) {
      now += 1000;
      expect(await alice.call(method, params)).toMatchObject({ status: 'success' });
      // The bucket is empty now: even a message that would go through is refused.
      expect(await alice.call('send_message', { message: 'x' })).toMatchObject({ code: 'RATE_LIMITED' });
    }
    now += 1000;
    const sent = await alice.call('send_message', { message: 'x' });
    now += 1000;
    expect(await bob.call('mark_read', { room: 'general', id: sent.id })).toMatchObject({
      status: 'success',
    });
    expect(await bob.call('mark_read', { room: 'general', id: sent.id })).toMatchObject({
      code: 'RATE_LIMITED',
    });
    // Reads are free.
    for (const [method, params] of [
      ['get_history', { room: 'general' }],
      ['list_rooms', {}],
      ['get_users', { room: 'general' }],
    ] as const)
      expect(await alice.call(method, params)).toMatchObject({ status: 'success' });
  });
});

describe('slow consumers and shared bytes', () => {
  it('a member of a busy room that does not read is cut off; the others keep receiving', async () => {
    const { port, server } = await startServer({
      maxOutputBytes: 16 * 1024,
      rateBurst: 10_000,
      ratePerSecond: 1000,
    });
    const sender = await V2Client.connect(port, 'plain');
    const reader = await V2Client.connect(port, 'jsonrpc');
    const stuck = await V2Client.connect(port, 'plain');
    await sender.join('Sender');
    await reader.join('Reader');
    await stuck.join('Stuck');
    for (const c of [sender, reader, stuck]) await c.call('join_room', { room: 'busy' });
    stuck.raw.socket.pause();
    // ~4 KB a message, 50 at a time: the kernel's buffers fill within a few MB.
    const text = '😀'.repeat(990);
    let sent = 0;
    while (server.sessions.some((s) => s.username === 'Stuck') && sent < 20_000) {
      for (let i = 0; i < 50; i++) sender.send('send_message', { room: 'busy', message: text });
      for (let i = 0; i < 50; i++) expect(await sender.reply()).toMatchObject({ status: 'success' });
      sent += 50;
    }
    expect(server.sessions.map((s) => s.username)).toEqual(['Sender', 'Reader']);
    await waitFor(
      () => reader.notifications.filter((n) => n.type === 'chat').length === sent,
      'every message to the reader',
    );
  });
});
