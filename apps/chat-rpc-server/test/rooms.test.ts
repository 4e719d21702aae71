import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAT_OPTIONS } from '../src/server/chat/chat-options.js';
import { RawClient, startServer } from './helpers.js';
import { DIALECTS, V2Client } from './v2-client.js';

const ID = expect.stringMatching(/^\d+-\d+$/);

describe.each(DIALECTS)('rooms over TCP (%s)', (dialect) => {
  it('join_chat with protocol 2 puts the user in general and returns a session', async () => {
    const { port } = await startServer();
    const alice = await V2Client.connect(port, dialect);
    expect(await alice.join('Alice')).toEqual({
      status: 'success',
      message: 'Joined chat as Alice',
      users: ['Alice'],
      session: expect.stringMatching(/^[\w-]{22}$/),
      rooms: ['general'],
      resumed: false,
    });
    expect(await alice.call('join_chat', { username: 'x', protocol: 3 })).toMatchObject({ code: -32602 });
  });

  it('join_room, leave_room and list_rooms: replies, notices to the other members, membership', async () => {
    const { port } = await startServer();
    const [alice, bob, carol] = await V2Client.trio(port, dialect);
    expect(await alice.call('join_room', { room: 'Dev' })).toEqual({
      status: 'success',
      message: 'Joined Dev',
      room: 'Dev',
      users: ['Alice'],
    });
    // Case-insensitive, and the room keeps its creator's spelling.
    expect(await bob.call('join_room', { room: 'DEV' })).toEqual({
      status: 'success',
      message: 'Joined Dev',
      room: 'Dev',
      users: ['Alice', 'Bob'],
    });
    expect(await alice.notificationMatching({ room: 'Dev' })).toEqual({
      type: 'system',
      room: 'Dev',
      message: 'Bob has joined Dev',
      username: 'SYSTEM',
    });
    // Joining again is harmless: same reply, no notice.
    expect(await bob.call('join_room', { room: 'dev' })).toMatchObject({
      status: 'success',
      users: ['Alice', 'Bob'],
    });
    expect(await carol.call('list_rooms')).toEqual({
      status: 'success',
      rooms: [
        { room: 'general', users: 3, joined: true },
        { room: 'Dev', users: 2, joined: false },
      ],
      count: 2,
      has_more: false,
    });
    expect(await bob.call('leave_room', { room: 'dev' })).toEqual({
      status: 'success',
      message: 'Left Dev',
      room: 'Dev',
    });
    expect(await alice.notification()).toEqual({
      type: 'system',
      room: 'Dev',
      message: 'Bob has left Dev',
      username: 'SYSTEM',
    });
    expect(await bob.call('leave_room', { room: 'dev' })).toMatchObject({
      status: 'error',
      code: 'NOT_MEMBER',
    });
    expect(await bob.call('leave_room', { room: 'general' })).toMatchObject({
      status: 'error',
      code: 'INVALID_ROOM',
    });
    expect(await bob.call('join_room', { room: 'bad\u202Ename' })).toMatchObject({ code: 'INVALID_ROOM' });
    expect(await bob.call('join_room', { room: '' })).toMatchObject({ code: 'INVALID_ROOM' });
    expect(await bob.call('join_room', { room: 'x'.repeat(51) })).toMatchObject({ code: 'INVALID_ROOM' });
    expect(await bob.call('join_room', { room: 7 })).toMatchObject({ code: -32602 });
    await carol.expectNoNotification();
  });

  it('send_message: room members only, ids ordered, the room on every message, the sender left out', async () => {
    const { port } = await startServer();
    const [alice, bob, carol] = await V2Client.trio(port, dialect);
    await alice.call('join_room', { room: 'dev' });
    await bob.call('join_room', { room: 'dev' });
    await alice.notificationMatching({ message: 'Bob has joined dev' });
    const first = await alice.call('send_message', { room: 'dev', message: ' one ' });
    expect(first).toEqual({ status: 'success', message: 'Message sent successfully', id: ID, room: 'dev' });
    const second = await alice.call('send_message', { room: 'DEV', message: 'two' });
    const toGeneral = await alice.call('send_message', { message: 'to everyone' });
    expect(toGeneral).toMatchObject({ room: 'general' });
    const ids = [first.id, second.id, toGeneral.id] as string[];
    expect(new Set(ids).size).toBe(3);
    const order = ids.map((id) => id.split('-').map(Number) as [number, number]);
    for (let i = 1; i < order.length; i++) {
      const [a, b] = [order[i - 1] as [number, number], order[i] as [number, number]];
      expect(a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])).toBe(true);
    }
    const chat = (room: string, id: unknown, message: string) => ({
      type: 'chat',
      room,
      id,
      username: 'Alice',
      message,
      timestamp: expect.any(Number),
    });
    expect(await bob.notificationMatching({ type: 'chat' })).toEqual(chat('dev', first.id, 'one'));
    expect(await bob.notification()).toEqual(chat('dev', second.id, 'two'));
    expect(await bob.notification()).toEqual(chat('general', toGeneral.id, 'to everyone'));
    expect(await carol.notificationMatching({ type: 'chat' })).toEqual(
      chat('general', toGeneral.id, 'to everyone'),
    );
    // Carol is not in dev: refused, and nothing was delivered to her from dev.
    expect(await carol.call('send_message', { room: 'dev', message: 'hi' })).toMatchObject({
      status: 'error',
      code: 'NOT_MEMBER',
    });
    expect(carol.notifications.filter((n) => n.room === 'dev')).toEqual([]);
    expect(await carol.call('send_message', { room: 'nowhere', message: 'hi' })).toMatchObject({
      code: 'NOT_MEMBER',
    });
    await alice.expectNoNotification();
  });

  it('a user may be in at most --max-rooms-per-user rooms, general included', async () => {
    const { port } = await startServer({ maxRoomsPerUser: 3 });
    const alice = await V2Client.connect(port, dialect);
    await alice.join('Alice');
    expect(await alice.call('join_room', { room: 'a' })).toMatchObject({ status: 'success' });
    expect(await alice.call('join_room', { room: 'b' })).toMatchObject({ status: 'success' });
    expect(await alice.call('join_room', { room: 'c' })).toMatchObject({
      status: 'error',
      code: 'TOO_MANY_ROOMS',
    });
    await alice.call('leave_room', { room: 'a' });
    expect(await alice.call('join_room', { room: 'c' })).toMatchObject({ status: 'success' });
  });

  it('at --max-rooms a new room replaces the empty room idle longest; with none empty: TOO_MANY_ROOMS', async () => {
    const { port } = await startServer({ maxRooms: 3 });
    const alice = await V2Client.connect(port, dialect);
    await alice.join('Alice');
    await alice.call('join_room', { room: 'old' });
    await alice.call('send_message', { room: 'old', message: 'kept until forgotten' });
    await alice.call('leave_room', { room: 'old' });
    await alice.call('join_room', { room: 'busy' });
    // general + old (empty, with history) + busy = 3: "new" forgets "old".
    expect(await alice.call('join_room', { room: 'new' })).toMatchObject({ status: 'success' });
    expect((await alice.call('list_rooms')).rooms).toEqual([
      { room: 'general', users: 1, joined: true },
      { room: 'busy', users: 1, joined: true },
      { room: 'new', users: 1, joined: true },
    ]);
    expect(await alice.call('join_room', { room: 'more' })).toMatchObject({
      status: 'error',
      code: 'TOO_MANY_ROOMS',
    });
    // "busy" has no history: gone once empty, so "old" fits again, without its history.
    await alice.call('leave_room', { room: 'busy' });
    expect(await alice.call('join_room', { room: 'old' })).toMatchObject({ status: 'success' });
    expect(await alice.call('get_history', { room: 'old' })).toMatchObject({ messages: [], count: 0 });
  });

  it('list_rooms and get_users page their lists within a quarter of --max-output-bytes', async () => {
    const { port } = await startServer({ maxOutputBytes: 4096, rateBurst: 100, maxRoomsPerUser: 100 });
    const alice = await V2Client.connect(port, dialect);
    await alice.join('Alice');
    const names = Array.from(
      { length: 40 },
      (_, i) => `room ${String(i).padStart(2, '0')} ${'é'.repeat(20)}`,
    );
    for (const room of names) await alice.call('join_room', { room });
    const seen: string[] = [];
    for (let offset = 0, more = true; more; ) {
      const page = await alice.call('list_rooms', { offset });
      expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(1100);
      const rooms = (page.rooms as { room: string }[]).map((r) => r.room);
      expect(rooms.length).toBeGreaterThan(0);
      seen.push(...rooms);
      offset += rooms.length;
      more = page.has_more === true;
    }
    expect(seen).toEqual(['general', ...names]);
    expect(await alice.call('list_rooms', { offset: 'x' })).toMatchObject({ code: -32602 });
  });

  it('protocol-2 methods need protocol 2 and a join', async () => {
    const { port } = await startServer();
    const spec = await V2Client.connect(port, dialect);
    for (const [method, params] of [
      ['join_room', { room: 'dev' }],
      ['send_private', { to: 'x', message: 'hi' }],
      ['set_status', { status: 'away' }],
      ['typing', { room: 'general' }],
      ['get_history', { room: 'general' }],
    ] as const)
      expect(await spec.call(method, params)).toMatchObject({ status: 'error', code: 'NOT_JOINED' });
    await spec.join('Spec', { protocol: 1 });
    for (const [method, params] of [
      ['join_room', { room: 'dev' }],
      ['leave_room', { room: 'dev' }],
      ['send_private', { to: 'x', message: 'hi' }],
      ['set_status', { status: 'away' }],
      ['typing', { room: 'general' }],
      ['mark_read', { room: 'general', id: '1-0' }],
    ] as const)
      expect(await spec.call(method, params)).toMatchObject({ status: 'error', code: 'PROTOCOL_2_REQUIRED' });
    // Reads work for everyone.
    expect(await spec.call('list_rooms')).toMatchObject({ status: 'success', count: 1 });
    expect(await spec.call('get_history', { room: 'general' })).toMatchObject({
      status: 'success',
      messages: [],
    });
  });
});

describe('the default protocol level (2)', () => {
  it('makes a join that names no protocol a protocol-2 join; "protocol": 1 still gets the spec shapes', async () => {
    expect(DEFAULT_CHAT_OPTIONS.defaultProtocol).toBe(2);
    // The server's own default (the test helper starts spec-shaped servers unless told otherwise).
    const { port } = await startServer({ defaultProtocol: DEFAULT_CHAT_OPTIONS.defaultProtocol });
    const plain = await V2Client.connect(port, 'plain');
    const spec = await RawClient.connect(port);
    const reply = await plain.call('join_chat', { username: 'Plain' });
    expect(reply).toMatchObject({ session: expect.any(String), rooms: ['general'], resumed: false });
    expect(await spec.call({ method: 'join_chat', params: { username: 'Spec', protocol: 1 } })).toEqual({
      status: 'success',
      message: 'Joined chat as Spec',
      users: ['Plain', 'Spec'],
    });
    expect(await plain.call('join_room', { room: 'dev' })).toMatchObject({ status: 'success' });
    await spec.call({ method: 'send_message', params: { message: 'hi' } });
    expect(await plain.notificationMatching({ type: 'chat' })).toMatchObject({
      room: 'general',
      id: ID,
      message: 'hi',
    });
  });
});

describe('compatibility: a client that speaks only the spec', () => {
  it('sees exactly the spec shapes while protocol-2 users use rooms, presence, typing and private messages', async () => {
    const { port } = await startServer();
    const spec = await RawClient.connect(port);
    const v2 = await V2Client.connect(port, 'plain');
    const other = await V2Client.connect(port, 'jsonrpc');
    expect(await spec.request({ method: 'join_chat', params: { username: 'Spec' } })).toEqual({
      status: 'success',
      message: 'Joined chat as Spec',
      users: ['Spec'],
    });
    expect(await spec.next()).toEqual({
      type: 'system',
      message: 'Welcome to the chat, Spec!',
      username: 'SYSTEM',
    });
    await v2.join('Vee');
    await other.join('Other');
    await v2.call('join_room', { room: 'dev' });
    await other.call('join_room', { room: 'dev' });
    await v2.call('send_message', { room: 'dev', message: 'in dev' });
    await v2.call('send_message', { message: 'in general' });
    await v2.call('set_status', { status: 'away', text: 'lunch' });
    await v2.call('typing', { room: 'general' });
    await v2.call('send_private', { to: 'Other', message: 'psst' });
    expect(await v2.call('send_private', { to: 'Spec', message: 'psst' })).toMatchObject({
      status: 'error',
      code: 'USER_NOT_FOUND',
    });
    expect(await spec.call({ method: 'send_message', params: { message: 'hello' } })).toEqual({
      status: 'success',
      message: 'Message sent successfully',
    });
    expect(await spec.call({ method: 'get_users', params: { format: 'detailed' } })).toEqual({
      status: 'success',
      message: 'Users retrieved successfully',
      users: [
        { username: 'Spec', address: expect.any(String) },
        { username: 'Vee', address: expect.any(String) },
        { username: 'Other', address: expect.any(String) },
      ],
      count: 3,
    });
    await v2.call('leave_chat');
    expect(await spec.call({ method: 'get_users' })).toEqual({
      status: 'success',
      users: ['Spec', 'Other'],
      count: 2,
    });
    // Everything the spec client received, in the spec's shapes only.
    expect(spec.messages.filter((m) => 'type' in m)).toEqual([
      { type: 'system', message: 'Welcome to the chat, Spec!', username: 'SYSTEM' },
      { type: 'system', message: 'Vee has joined the chat!', username: 'SYSTEM' },
      { type: 'system', message: 'Other has joined the chat!', username: 'SYSTEM' },
      { type: 'chat', message: 'in general', username: 'Vee' },
      { type: 'system', message: 'Vee has left the chat!', username: 'SYSTEM' },
    ]);
    // The protocol-2 users get the spec client's message with its room and id.
    expect(await other.notificationMatching({ username: 'Spec' })).toEqual({
      type: 'chat',
      room: 'general',
      id: ID,
      username: 'Spec',
      message: 'hello',
      timestamp: expect.any(Number),
    });
  });
});
