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

  it('reports adds and deletes with the size after the change, until the listener is removed', () => {
    const tracker = new ConnectionTracker<string>(2);
    const seen: string[] = [];
    const offAdd = tracker.on('add', (item, size) => seen.push(`+${item}:${size}`));
    tracker.on('delete', (item, size) => seen.push(`-${item}:${size}`));
    tracker.tryAdd('a');
    tracker.tryAdd('a'); // already tracked: no event
    tracker.tryAdd('b');
    tracker.tryAdd('c'); // refused: no event
    tracker.delete('zzz'); // unknown: no event
    tracker.delete('a');
    offAdd();
    offAdd(); // idempotent
    tracker.tryAdd('d');
    tracker.delete('b');
    expect(seen).toEqual(['+a:1', '+b:2', '-a:1', '-b:1']);
  });

  it('keeps calling the other listeners and applies the change when one throws', async () => {
    const tracker = new ConnectionTracker<string>(2);
    const thrown: unknown[] = [];
    const onError = (err: unknown) => thrown.push(err);
    process.prependListener('uncaughtException', onError);
    try {
      const calls: string[] = [];
      tracker.on('add', () => {
        throw new Error('listener bug');
      });
      tracker.on('add', (item) => calls.push(item));
      tracker.tryAdd('a');
      expect(calls).toEqual(['a']);
      expect(tracker.size).toBe(1);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.removeListener('uncaughtException', onError);
    }
    expect(thrown).toHaveLength(1);
  });

  it('whenSize resolves at once at that size, otherwise when a change reaches it', async () => {
    const tracker = new ConnectionTracker<number>(10);
    await tracker.whenSize(0);
    let reached = false;
    const two = tracker.whenSize(2).then(() => {
      reached = true;
    });
    tracker.tryAdd(1);
    await Promise.resolve();
    expect(reached).toBe(false);
    tracker.tryAdd(2);
    await two;
    const one = tracker.whenSize(1);
    tracker.delete(1);
    await one;
    expect(() => tracker.whenSize(-1)).toThrow(RangeError);
    expect(() => tracker.whenSize(1.5)).toThrow(RangeError);
  });

  it('whenSize removes its listeners once resolved', async () => {
    const tracker = new ConnectionTracker<number>(10);
    const waits = [tracker.whenSize(1), tracker.whenSize(1)];
    tracker.tryAdd(1);
    await Promise.all(waits);
    // Were a listener left, a later change would still call it; a fresh one must be the only one.
    const seen: number[] = [];
    tracker.on('delete', (_item, size) => seen.push(size));
    tracker.delete(1);
    expect(seen).toEqual([0]);
  });

  it('rejects a bad max', () => {
    expect(() => new ConnectionTracker(-1)).toThrow(RangeError);
    expect(() => new ConnectionTracker(1.5)).toThrow(RangeError);
    expect(new ConnectionTracker(Number.POSITIVE_INFINITY).max).toBe(Number.POSITIVE_INFINITY);
    expect(new ConnectionTracker(0).tryAdd('x')).toBe(false);
  });
});
