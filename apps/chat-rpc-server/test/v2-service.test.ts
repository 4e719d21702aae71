import { describe, expect, it } from 'vitest';
import { ChatService } from '../src/server/chat/chat-service.js';
import { FakeHost } from './fake-host.js';

describe('ChatService protocol 2 on the in-memory engine (no sockets)', () => {
  it('a message costs one object whatever the recipients: history and every protocol-2 recipient share it', () => {
    const t = new FakeHost();
    new ChatService(t, { joinTimeoutMs: 0 });
    const [a, b, c, s1, s2] = [t.connect(), t.connect(), t.connect(), t.connect(), t.connect()];
    t.call(a, 'join_chat', { username: 'A', protocol: 2 });
    t.call(b, 'join_chat', { username: 'B', protocol: 2 });
    t.call(c, 'join_chat', { username: 'C', protocol: 2 });
    t.call(s1, 'join_chat', { username: 'S1', protocol: 1 });
    t.call(s2, 'join_chat', { username: 'S2', protocol: 1 });
    for (const p of [a, b, c, s1, s2]) p.received.length = 0;
    const sent = t.call(a, 'send_message', { message: 'shared' });
    const [stored] = t.call(b, 'get_history', { room: 'general' }).messages as object[];
    expect(stored).toMatchObject({ id: sent.id, message: 'shared' });
    expect(b.received[0]).toBe(stored);
    expect(c.received[0]).toBe(stored);
    // The spec's form is made once per message, not once per recipient.
    expect(s1.received[0]).toEqual({ type: 'chat', message: 'shared', username: 'A' });
    expect(s2.received[0]).toBe(s1.received[0]);
    expect(a.received).toEqual([]);
  });

  it('a user in many rooms holds no per-room copy of anything it is sent', () => {
    const t = new FakeHost();
    new ChatService(t, { joinTimeoutMs: 0, rateBurst: 1000 });
    const [a, b] = [t.connect(), t.connect()];
    t.call(a, 'join_chat', { username: 'A', protocol: 2 });
    t.call(b, 'join_chat', { username: 'B', protocol: 2 });
    for (let i = 0; i < 20; i++) {
      t.call(a, 'join_room', { room: `r${i}` });
      t.call(b, 'join_room', { room: `r${i}` });
    }
    b.received.length = 0;
    t.call(a, 'send_message', { room: 'r7', message: 'once' });
    expect(b.received).toHaveLength(1);
    expect(b.received[0]).toMatchObject({ room: 'r7', message: 'once' });
  });

  it('rejects invalid v2 options with the option named', () => {
    expect(() => new ChatService(new FakeHost(), { maxRoomsPerUser: 0 })).toThrow(/maxRoomsPerUser/);
    expect(() => new ChatService(new FakeHost(), { historySize: -1 })).toThrow(/historySize/);
    expect(() => new ChatService(new FakeHost(), { sessionTtlMs: -1 })).toThrow(/sessionTtlMs/);
    expect(() => new ChatService(new FakeHost(), { historyFile: ' ' })).toThrow(/historyFile/);
  });
});
