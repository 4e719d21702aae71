import { describe, expect, it } from 'vitest';
import { ConnectionTracker } from '../src/index.js';

describe('ConnectionTracker', () => {
  it('adds up to max and refuses beyond it', () => {
    const tracker = new ConnectionTracker<string>(2);
    expect(tracker.tryAdd('a')).toBe(true);
    expect(tracker.tryAdd('b')).toBe(true);
    expect(tracker.full).toBe(true);
    expect(tracker.tryAdd('c')).toBe(false);
    expect(tracker.size).toBe(2);
    expect([...tracker]).toEqual(['a', 'b']);
    expect(tracker.has('c')).toBe(false);
  });

  it('frees a slot on delete and ignores unknown items', () => {
    const tracker = new ConnectionTracker<string>(1);
    tracker.tryAdd('a');
    expect(tracker.delete('zzz')).toBe(false);
    expect(tracker.delete('a')).toBe(true);
    expect(tracker.tryAdd('b')).toBe(true);
  });

  it('treats re-adding a tracked item as success without counting it twice', () => {
    const tracker = new ConnectionTracker<string>(1);
    tracker.tryAdd('a');
    expect(tracker.tryAdd('a')).toBe(true);
    expect(tracker.size).toBe(1);
  });

  it('whenEmpty resolves at once when empty, otherwise after the last delete', async () => {
    const tracker = new ConnectionTracker<number>(10);
    await tracker.whenEmpty();
    tracker.tryAdd(1);
    tracker.tryAdd(2);
    let resolved = false;
    const waiting = tracker.whenEmpty().then(() => {
      resolved = true;
    });
    tracker.delete(1);
    await Promise.resolve();
    expect(resolved).toBe(false);
    tracker.delete(2);
    await waiting;
    expect(resolved).toBe(true);
  });

  it('iterates a snapshot so items can be deleted while looping', () => {
    const tracker = new ConnectionTracker<number>(10);
    for (const n of [1, 2, 3]) tracker.tryAdd(n);
    const seen: number[] = [];
    for (const n of tracker) {
      seen.push(n);
      tracker.delete(n);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(tracker.size).toBe(0);
  });

  it('rejects a bad max', () => {
    expect(() => new ConnectionTracker(-1)).toThrow(RangeError);
    expect(() => new ConnectionTracker(1.5)).toThrow(RangeError);
    expect(new ConnectionTracker(Number.POSITIVE_INFINITY).max).toBe(Number.POSITIVE_INFINITY);
    expect(new ConnectionTracker(0).tryAdd('x')).toBe(false);
  });
});
