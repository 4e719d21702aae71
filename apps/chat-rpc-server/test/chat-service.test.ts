import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatOptions } from '../src/server/chat/chat-options.js';
import { ChatService } from '../src/server/chat/chat-service.js';
import { FakeHost } from './fake-host.js';

function setup(options: Partial<ChatOptions> = {}) {
  const host = new FakeHost();
  const chat = new ChatService(host, { joinTimeoutMs: 0, defaultProtocol: 1, ...options });
  return { host, chat };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ChatService', () => {
  it('join_chat replies with the user list, welcomes the joiner and tells the others', () => {
    const { host: t } = setup();
    const alice = t.connect();
    const bob = t.connect();
    expect(t.call(alice, 'join_chat', { username: 'Alice' })).toEqual({
      status: 'success',
      message: 'Joined chat as Alice',
      users: ['Alice'],
    });
    expect(alice.received).toEqual([
      { type: 'system', message: 'Welcome to the chat, Alice!', username: 'SYSTEM' },
    ]);
    expect(t.call(bob, 'join_chat', { username: 'Bob' })).toMatchObject({ users: ['Alice', 'Bob'] });
    expect(alice.received.at(-1)).toEqual({
      type: 'system',
      message: 'Bob has joined the chat!',
      username: 'SYSTEM',
    });
    expect(bob.received).toEqual([
      { type: 'system', message: 'Welcome to the chat, Bob!', username: 'SYSTEM' },
    ]);
  });

  it('rejects a second join on the same connection', () => {
    const { host: t } = setup();
    const a = t.connect();
    t.call(a, 'join_chat', { username: 'Alice' });
    expect(t.call(a, 'join_chat', { username: 'Other' })).toMatchObject({
      status: 'error',
      code: 'ALREADY_JOINED',
    });
  });

  it('suffixes a duplicate name with the client port (case and NFKC insensitive)', () => {
    const { host: t, chat } = setup();
    const a = t.connect(1111);
    const b = t.connect(2222);
    const c = t.connect(3333);
    t.call(a, 'join_chat', { username: 'Alice' });
    expect(t.call(b, 'join_chat', { username: 'ALICE' })).toMatchObject({
      message: 'Joined chat as ALICE_2222',
    });
    expect(t.call(c, 'join_chat', { username: 'Ａｌｉｃｅ' })).toMatchObject({
      message: 'Joined chat as Ａｌｉｃｅ_3333',
    });
    expect(chat.sessions.map((s) => s.username)).toEqual(['Alice', 'ALICE_2222', 'Ａｌｉｃｅ_3333']);
  });

  it('keeps counting when the suffixed name is taken too', () => {
    const { host: t } = setup();
    const a = t.connect(1111);
    const b = t.connect(2222);
    const c = t.connect(2222);
    t.call(a, 'join_chat', { username: 'Alice_2222' });
    t.call(b, 'join_chat', { username: 'Alice' });
    expect(t.call(c, 'join_chat', { username: 'alice' })).toMatchObject({
      message: 'Joined chat as alice_2222_2',
    });
  });

  it('answers "Username already taken" in reject mode', () => {
    const { host: t } = setup({ duplicateNames: 'reject' });
    const a = t.connect();
    const b = t.connect();
    t.call(a, 'join_chat', { username: 'Alice' });
    expect(t.call(b, 'join_chat', { username: 'alice' })).toEqual({
      status: 'error',
      code: 'USERNAME_TAKEN',
      message: 'Username already taken',
    });
    // The name is free again once its owner leaves.
    t.call(a, 'leave_chat');
    expect(t.call(b, 'join_chat', { username: 'alice' })).toMatchObject({ status: 'success' });
  });

  it('validates params and names', () => {
    const { host: t } = setup();
    const a = t.connect();
    expect(t.call(a, 'join_chat', {})).toEqual({
      error: 'Invalid params: username must be a string',
      code: -32602,
    });
    expect(t.call(a, 'join_chat', [1])).toMatchObject({ code: -32602 });
    expect(t.call(a, 'join_chat', { username: 42 })).toMatchObject({ code: -32602 });
    expect(t.call(a, 'join_chat', { username: '  ' })).toMatchObject({ code: 'INVALID_USERNAME' });
    expect(t.call(a, 'join_chat', { username: 'x'.repeat(51) })).toMatchObject({ code: 'INVALID_USERNAME' });
  });

  it('send_message needs a join, validates, and reaches every joined user but the sender', () => {
    const { host: t } = setup();
    const [a, b, c, lurker] = [t.connect(), t.connect(), t.connect(), t.connect()];
    expect(t.call(a, 'send_message', { message: 'hi' })).toMatchObject({
      status: 'error',
      code: 'NOT_JOINED',
    });
    t.call(a, 'join_chat', { username: 'Alice' });
    t.call(b, 'join_chat', { username: 'Bob' });
    t.call(c, 'join_chat', { username: 'Carol' });
    for (const p of [a, b, c]) p.received.length = 0;
    expect(t.call(a, 'send_message', { message: '  Hello everyone!  ' })).toEqual({
      status: 'success',
      message: 'Message sent successfully',
    });
    const expected = { type: 'chat', message: 'Hello everyone!', username: 'Alice' };
    expect(b.received).toEqual([expected]);
    expect(c.received).toEqual([expected]);
    expect(a.received).toEqual([]);
    expect(lurker.received).toEqual([]);
    expect(t.call(a, 'send_message', { message: 'x'.repeat(1001) })).toMatchObject({
      code: 'INVALID_MESSAGE',
    });
    expect(t.call(a, 'send_message', { message: '' })).toMatchObject({ code: 'INVALID_MESSAGE' });
    expect(t.call(a, 'send_message', {})).toMatchObject({ code: -32602 });
  });

  it('get_users works without joining, in simple and detailed form', () => {
    const { host: t } = setup();
    const a = t.connect(5000);
    const b = t.connect(5001);
    const watcher = t.connect();
    expect(t.call(watcher, 'get_users')).toEqual({ status: 'success', users: [], count: 0 });
    t.call(a, 'join_chat', { username: 'Alice' });
    t.call(b, 'join_chat', { username: 'Bob' });
    expect(t.call(watcher, 'get_users', {})).toEqual({
      status: 'success',
      users: ['Alice', 'Bob'],
      count: 2,
    });
    expect(t.call(watcher, 'get_users', { format: 'detailed' })).toEqual({
      status: 'success',
      message: 'Users retrieved successfully',
      users: [
        { username: 'Alice', address: '127.0.0.1:5000' },
        { username: 'Bob', address: '127.0.0.1:5001' },
      ],
      count: 2,
    });
    expect(t.call(watcher, 'get_users', { format: 'xml' })).toMatchObject({ code: -32602 });
  });

  it('leave_chat and disconnect both announce the departure', () => {
    const { host: t, chat } = setup();
    const [a, b, c] = [t.connect(), t.connect(), t.connect()];
    expect(t.call(a, 'leave_chat')).toMatchObject({ code: 'NOT_JOINED' });
    t.call(a, 'join_chat', { username: 'Alice' });
    t.call(b, 'join_chat', { username: 'Bob' });
    t.call(c, 'join_chat', { username: 'Carol' });
    c.received.length = 0;
    expect(t.call(a, 'leave_chat', {})).toEqual({ status: 'success', message: 'Left chat successfully' });
    expect(c.received).toEqual([{ type: 'system', message: 'Alice has left the chat!', username: 'SYSTEM' }]);
    t.disconnect(b);
    expect(c.received.at(-1)).toEqual({
      type: 'system',
      message: 'Bob has left the chat!',
      username: 'SYSTEM',
    });
    expect(chat.sessions.map((s) => s.username)).toEqual(['Carol']);
    // A peer that left gets no more broadcasts, and can join again.
    const before = a.received.length;
    t.call(c, 'send_message', { message: 'anyone?' });
    expect(a.received.length).toBe(before);
    expect(t.call(a, 'join_chat', { username: 'Alice' })).toMatchObject({ status: 'success' });
  });

  it('rate-limits join_chat and send_message with a token bucket on the injected clock', () => {
    let now = 0;
    const { host: t } = setup({ rateBurst: 3, ratePerSecond: 2, now: () => now });
    const a = t.connect();
    t.call(a, 'join_chat', { username: 'Alice' }); // token 1
    expect(t.call(a, 'send_message', { message: '1' })).toMatchObject({ status: 'success' });
    expect(t.call(a, 'send_message', { message: '2' })).toMatchObject({ status: 'success' });
    expect(t.call(a, 'send_message', { message: '3' })).toEqual({
      status: 'error',
      code: 'RATE_LIMITED',
      message: 'Rate limit exceeded, retry in 500 ms',
    });
    expect(t.call(a, 'get_users')).toMatchObject({ status: 'success' }); // not charged
    now += 500;
    expect(t.call(a, 'send_message', { message: '4' })).toMatchObject({ status: 'success' });
    expect(t.call(a, 'send_message', { message: '5' })).toMatchObject({ code: 'RATE_LIMITED' });
    // Buckets are per client.
    const b = t.connect();
    t.call(b, 'join_chat', { username: 'Bob' });
    expect(t.call(b, 'send_message', { message: 'hi' })).toMatchObject({ status: 'success' });
  });

  it('closes a client that does not join in time, with an IDLE_TIMEOUT system message', () => {
    vi.useFakeTimers();
    const { host: t } = setup({ joinTimeoutMs: 1000 });
    const idle = t.connect();
    const joiner = t.connect();
    t.call(joiner, 'join_chat', { username: 'Joiner' });
    vi.advanceTimersByTime(999);
    expect(idle.closedWith).toBeNull();
    vi.advanceTimersByTime(1);
    expect(idle.closedWith).toEqual({
      type: 'system',
      message: 'Disconnected: no join_chat within 1 s',
      username: 'SYSTEM',
      code: 'IDLE_TIMEOUT',
    });
    expect(joiner.closedWith).toBeNull();
    // Leaving re-arms the timer; disconnecting clears it.
    t.call(joiner, 'leave_chat');
    vi.advanceTimersByTime(1000);
    expect(joiner.closedWith).toMatchObject({ code: 'IDLE_TIMEOUT' });
    const gone = t.connect();
    t.disconnect(gone);
    vi.advanceTimersByTime(2000);
    expect(gone.closedWith).toBeNull();
  });

  it('rejects invalid options', () => {
    expect(() => setup({ rateBurst: 0 })).toThrow(/rateBurst/);
    expect(() => setup({ duplicateNames: 'x' as 'reject' })).toThrow(/duplicateNames/);
  });
});
