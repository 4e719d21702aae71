import { describe, expect, it } from 'vitest';
import { MemoryEngine } from '../src/server/chat/engine/memory-engine.js';
import { MemoryHistory } from '../src/server/chat/engine/memory-history.js';
import type { StoredMessage } from '../src/server/chat/engine/types.js';
import { type Flow, flow, wait } from '../src/server/chat/flow.js';
import { compareMessageIds, MessageIdGenerator, parseMessageId } from '../src/server/chat/message-id.js';

describe('flow: synchronous while what it waits for is there', () => {
  function* body(a: number | Promise<number>, b: number | Promise<number>): Flow<number> {
    const x = yield* wait(a);
    const y = yield* wait(b);
    if (x + y < 0) throw new Error('negative');
    return x + y;
  }

  it('returns a value (not a promise) when nothing it waits for is a promise', () => {
    expect(flow(body(1, 2))).toBe(3);
    expect(() => flow(body(-5, 1))).toThrow('negative');
  });

  it('returns a promise from the first promise on, with the same result or error', async () => {
    const later = flow(body(1, Promise.resolve(2)));
    expect(later).toBeInstanceOf(Promise);
    await expect(later).resolves.toBe(3);
    await expect(flow(body(Promise.resolve(-5), 1))).rejects.toThrow('negative');
    // A rejection is thrown into the body, where it may be caught.
    const caught = flow(
      (function* (): Flow<string> {
        try {
          yield* wait(Promise.reject(new Error('boom')));
          return 'not reached';
        } catch (err) {
          return (err as Error).message;
        }
      })(),
    );
    await expect(caught).resolves.toBe('boom');
  });
});

describe('message ids', () => {
  it('increase within and across milliseconds, even when the clock goes back', () => {
    const ids = new MessageIdGenerator();
    const out = [ids.next(1000), ids.next(1000), ids.next(999), ids.next(1001), ids.next(5)];
    expect(out).toEqual(['1000-0', '1000-1', '1000-2', '1001-0', '1001-1']);
    for (let i = 1; i < out.length; i++) expect(compareMessageIds(out[i - 1]!, out[i]!)).toBeLessThan(0);
    expect(ids.last).toBe('1001-1');
  });

  it('continue after observed ids (a loaded history file) and compare numerically, not as text', () => {
    const ids = new MessageIdGenerator();
    expect(ids.last).toBe('0-0');
    ids.observe('2000-7');
    expect(ids.next(1500)).toBe('2000-8');
    expect(compareMessageIds('999-0', '1000-0')).toBeLessThan(0);
    expect(compareMessageIds('5-10', '5-9')).toBeGreaterThan(0);
    for (const bad of ['', '1', '1-', '-1', 'a-1', '1-1-1', '1e3-0', `${'9'.repeat(16)}-0`])
      expect(parseMessageId(bad)).toBeUndefined();
  });
});

function message(room: string, n: number, text = `m${n}`): StoredMessage {
  return { type: 'chat', room, id: `${n}-0`, username: 'u', message: text, timestamp: n };
}

describe('MemoryHistory', () => {
  it('keeps perRoom messages per room; pages backwards; reports what was dropped after an id', () => {
    const history = new MemoryHistory({ perRoom: 3, maxBytes: 1e9 });
    for (let n = 1; n <= 5; n++) history.append('a', message('a', n));
    history.append('b', message('b', 6));
    expect(history.page('a', 10).messages.map((m) => m.id)).toEqual(['3-0', '4-0', '5-0']);
    expect(history.page('a', 2)).toMatchObject({ hasMore: true });
    expect(history.page('a', 2, '5-0').messages.map((m) => m.id)).toEqual(['3-0', '4-0']);
    expect(history.page('a', 2, '4-0')).toMatchObject({ messages: [{ id: '3-0' }], hasMore: false });
    expect(history.since('a', '3-0')).toEqual({
      messages: [message('a', 4), message('a', 5)],
      complete: true,
    });
    // 1 and 2 were dropped: after 1 something is missing; after 2 nothing is.
    expect(history.since('a', '1-0').complete).toBe(false);
    expect(history.since('a', '2-0').complete).toBe(true);
    expect(history.since('nowhere', '0-0')).toEqual({ messages: [], complete: true });
    expect(history.size).toBe(4);
    expect(history.latest('a')).toBe('5-0');
  });

  it('drops the oldest messages of the server first past maxBytes, whatever their room', () => {
    const one = new MemoryHistory({ perRoom: 100, maxBytes: 1e9 });
    one.append('x', message('x', 1));
    const size = one.bytes;
    const history = new MemoryHistory({ perRoom: 100, maxBytes: size * 3 });
    history.append('a', message('a', 1));
    history.append('b', message('b', 2));
    history.append('a', message('a', 3));
    history.append('c', message('c', 4));
    expect(history.size).toBe(3);
    expect(history.page('a', 10).messages.map((m) => m.id)).toEqual(['3-0']);
    expect(history.since('a', '0-0').complete).toBe(false);
    history.append('c', message('c', 5));
    expect(history.has('b')).toBe(false);
    expect(history.bytes).toBeLessThanOrEqual(size * 3);
  });

  it('forgetting a room loses its messages (a later since() says so); perRoom 0 keeps nothing', () => {
    const history = new MemoryHistory({ perRoom: 10, maxBytes: 1e9 });
    history.append('a', message('a', 1));
    history.append('b', message('b', 2));
    history.forget('a');
    expect(history.since('a', '0-0')).toEqual({ messages: [], complete: false });
    expect(history.since('b', '0-0').complete).toBe(false);
    expect(history.since('b', '1-0')).toEqual({ messages: [message('b', 2)], complete: true });
    expect([...history.messages()].map((e) => e.message.id)).toEqual(['2-0']);
    const none = new MemoryHistory({ perRoom: 0, maxBytes: 1e9 });
    none.append('a', message('a', 1));
    expect(none.page('a', 10).messages).toEqual([]);
    expect(none.since('a', '0-0').complete).toBe(false);
  });

  it('stays linear: a hot room far past its limit leaves no pile of dropped entries behind', () => {
    const history = new MemoryHistory({ perRoom: 10, maxBytes: 1e12 });
    for (let n = 1; n <= 50_000; n++) history.append(n % 100 === 0 ? 'cold' : 'hot', message('r', n));
    expect(history.size).toBe(20);
    // Live entries in id order, each once.
    const ids = [...history.messages()].map((e) => Number(e.message.id.split('-')[0]));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids).toHaveLength(20);
  });
});

describe('MemoryEngine sessions', () => {
  function engine(maxHeldSessions = 10) {
    return new MemoryEngine({
      perRoom: 10,
      maxBytes: 1e9,
      maxRooms: 10,
      maxHeldSessions,
      wallClock: () => 0,
    });
  }
  const record = (token: string, name: string) => ({
    token,
    username: name,
    keys: [`k:${name}`, `s:${name}`],
    protocol: 2 as const,
    rooms: [{ key: 'general', name: 'general' }],
    status: 'online' as const,
    text: '',
  });

  it('a held session keeps its name until claimed or ended; only its own name claims it', () => {
    const e = engine();
    expect(e.claimName(['k:a', 's:a'], 't1')).toBe(true);
    e.createSession(record('t1', 'a'));
    expect(e.claimSession('t1', 'k:a')).toMatchObject({ live: true });
    e.holdSession('t1', 60_000, '5-0');
    expect(e.claimName(['k:a'], 'other')).toBe(false);
    expect(e.claimSession('t1', 'k:b')).toBeUndefined();
    expect(e.claimSession('t1', 'k:a')).toMatchObject({ live: false, dropId: '5-0' });
    e.endSession('t1');
    expect(e.claimSession('t1', 'k:a')).toBeUndefined();
    expect(e.claimName(['k:a'], 'other')).toBe(true);
    e.close();
  });

  it('past maxHeldSessions the oldest hold ends early and its name is free', () => {
    const e = engine(2);
    for (const n of ['a', 'b', 'c']) {
      e.claimName([`k:${n}`, `s:${n}`], n);
      e.createSession(record(n, n));
      e.holdSession(n, 60_000, '0-0');
    }
    expect(e.claimSession('a', 'k:a')).toBeUndefined();
    expect(e.claimName(['k:a'], 'new')).toBe(true);
    expect(e.claimSession('b', 'k:b')).toMatchObject({ live: false });
    e.close();
  });
});
