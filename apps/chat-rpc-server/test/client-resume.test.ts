import { describe, expect, it } from 'vitest';
import { compareIds, RecentIds, ResumeState } from '../src/client/resume.js';

describe('compareIds', () => {
  it('orders "<ms>-<seq>" ids by milliseconds, then sequence, as numbers', () => {
    expect(compareIds('1733054400000-0', '1733054400000-1')).toBeLessThan(0);
    expect(compareIds('1733054400000-10', '1733054400000-9')).toBeGreaterThan(0);
    expect(compareIds('999-5', '1000-0')).toBeLessThan(0);
    expect(compareIds('1000-0', '1000-0')).toBe(0);
    // Past 2^53: Number would round both to the same value.
    expect(compareIds('9007199254740993-0', '9007199254740992-0')).toBeGreaterThan(0);
  });

  it('does not order ids of another form', () => {
    expect(compareIds('abc', '1000-0')).toBeUndefined();
    expect(compareIds('1000', '1000-0')).toBeUndefined();
    expect(compareIds('1000-0-1', '1000-0')).toBeUndefined();
  });
});

describe('RecentIds', () => {
  it('reports duplicates and forgets the oldest past its capacity', () => {
    const ids = new RecentIds(2);
    expect(ids.add('a')).toBe(true);
    expect(ids.add('a')).toBe(false);
    expect(ids.add('b')).toBe(true);
    expect(ids.add('c')).toBe(true); // 'a' is forgotten
    expect(ids.has('a')).toBe(false);
    expect(ids.has('b') && ids.has('c')).toBe(true);
    expect(() => new RecentIds(0)).toThrow(RangeError);
  });
});

describe('ResumeState', () => {
  it('delivers each id once and nothing at or before the room’s latest', () => {
    const state = new ResumeState(100);
    expect(state.accept('dev', '100-0')).toBe(true);
    expect(state.accept('dev', '100-0')).toBe(false);
    expect(state.accept('dev', '99-3')).toBe(false); // older than what the room already delivered
    expect(state.accept('dev', '100-1')).toBe(true);
    // Another room has its own order.
    expect(state.accept('ops', '50-0')).toBe(true);
    expect(state.lastId('dev')).toBe('100-1');
    expect(state.lastId('ops')).toBe('50-0');
    expect(state.resumeFrom()).toBe('100-1');
  });

  it('drops our own messages when a replay brings them back, and counts them for last_id', () => {
    const state = new ResumeState(100);
    state.accept('dev', '10-0');
    state.sent('dev', '12-0');
    expect(state.resumeFrom()).toBe('12-0');
    expect(state.lastId('dev')).toBe('10-0'); // others' messages before ours may still be coming
    expect(state.accept('dev', '11-0')).toBe(true);
    expect(state.accept('dev', '12-0')).toBe(false);
    expect(state.accept('dev', '13-0')).toBe(true);
  });

  it('treats ids that do not compare as opaque: duplicates are still dropped', () => {
    const state = new ResumeState(100);
    expect(state.accept('dev', 'x')).toBe(true);
    expect(state.accept('dev', 'y')).toBe(true);
    expect(state.accept('dev', 'x')).toBe(false);
    expect(state.resumeFrom()).toBe('y');
  });

  it('keeps rooms case-insensitively in the server’s spelling; setRooms and reset', () => {
    const state = new ResumeState(100);
    state.joined('Dev');
    state.accept('dev', '5-0');
    expect(state.rooms).toEqual(['Dev']);
    expect(state.inRoom('DEV')).toBe(true);
    state.setRooms(['general', 'dev']);
    expect(state.rooms).toEqual(['dev', 'general']);
    expect(state.lastId('Dev')).toBe('5-0'); // kept across setRooms
    state.left('DEV');
    expect(state.inRoom('dev')).toBe(false);
    state.session = 'token';
    state.reset();
    expect(state.session).toBeUndefined();
    expect(state.rooms).toEqual([]);
    expect(state.resumeFrom()).toBeUndefined();
  });
});
