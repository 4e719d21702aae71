import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type FramingError,
  LengthPrefixedDecoder,
  NdjsonDecoder,
  PartialMessageGuard,
  type PartialMessageHolder,
} from '../src/index.js';

class Holder implements PartialMessageHolder {
  readonly errors: FramingError[] = [];
  onPartialMessageError(error: FramingError): void {
    this.errors.push(error);
  }
}

/** A guard on a manual clock; sweep() is called by the test. */
function guardAt(options: { messageTimeoutMs?: number; budgetBytes?: number } = {}) {
  const clock = { ms: 1_000 };
  const guard = new PartialMessageGuard<Holder>({ ...options, sweepIntervalMs: 0, now: () => clock.ms });
  return { guard, clock };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('PartialMessageGuard: deadline', () => {
  it('times out a message its deadline after the first byte; a drip does not extend it', () => {
    const { guard, clock } = guardAt({ messageTimeoutMs: 1_000 });
    const h = new Holder();
    guard.update(h, 1, false);
    for (let i = 2; i <= 4; i++) {
      clock.ms += 300; // one byte every 0.3 s
      guard.update(h, i, false);
      guard.sweep();
    }
    expect(h.errors).toEqual([]);
    clock.ms += 100; // 1000 ms since the first byte
    guard.sweep();
    expect(h.errors.map((e) => [e.code, e.fatal])).toEqual([['MESSAGE_TIMEOUT', true]]);
    expect(guard.bytes).toBe(0);
    expect(guard.holders).toBe(0);
  });

  it('restarts the deadline when a push completed a message and left the start of the next', () => {
    const { guard, clock } = guardAt({ messageTimeoutMs: 1_000 });
    const h = new Holder();
    guard.update(h, 10, false);
    clock.ms += 900;
    guard.update(h, 5, true); // message 1 done, message 2 started in this push
    clock.ms += 900;
    guard.sweep();
    expect(h.errors).toEqual([]);
    clock.ms += 100;
    guard.sweep();
    expect(h.errors.map((e) => e.code)).toEqual(['MESSAGE_TIMEOUT']);
  });

  it('forgets a holder once nothing is pending; idle holders are never counted', () => {
    const { guard, clock } = guardAt({ messageTimeoutMs: 1_000 });
    const h = new Holder();
    const idle = new Holder();
    guard.update(idle, 0, false);
    guard.update(h, 7, false);
    expect(guard.holders).toBe(1);
    guard.update(h, 0, true);
    expect([guard.holders, guard.bytes]).toEqual([0, 0]);
    clock.ms += 10_000;
    guard.sweep();
    expect([...h.errors, ...idle.errors]).toEqual([]);
  });

  it('a timeout of 0 turns the deadline off', () => {
    const { guard, clock } = guardAt({ messageTimeoutMs: 0 });
    const h = new Holder();
    guard.update(h, 3, false);
    clock.ms += 1e9;
    guard.sweep();
    expect(h.errors).toEqual([]);
  });

  it('its own sweep timer cuts off a stalled holder and stops once none is pending', () => {
    vi.useFakeTimers();
    const guard = new PartialMessageGuard<Holder>({ messageTimeoutMs: 100, sweepIntervalMs: 10 });
    const h = new Holder();
    guard.update(h, 3, false);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(90);
    expect(h.errors).toEqual([]);
    vi.advanceTimersByTime(20);
    expect(h.errors.map((e) => e.code)).toEqual(['MESSAGE_TIMEOUT']);
    vi.advanceTimersByTime(20);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('PartialMessageGuard: budget', () => {
  it('counts deltas across holders and cuts off the one whose push passes the budget', () => {
    const { guard } = guardAt({ budgetBytes: 100 });
    const a = new Holder();
    const b = new Holder();
    const c = new Holder();
    expect(guard.update(a, 40, false)).toBe(true);
    expect(guard.update(b, 40, false)).toBe(true);
    expect(guard.update(a, 60, false)).toBe(true); // 60 + 40 = exactly the budget
    expect(guard.bytes).toBe(100);
    expect(guard.update(c, 1, false)).toBe(false);
    expect(c.errors.map((e) => [e.code, e.fatal])).toEqual([['PARTIAL_BUDGET_EXCEEDED', true]]);
    expect([a.errors.length, b.errors.length]).toEqual([0, 0]);
    expect(guard.bytes).toBe(100);
    guard.release(a);
    expect(guard.bytes).toBe(40);
    expect(guard.update(c, 60, false)).toBe(true);
  });

  it('a budget of 0 turns it off', () => {
    const { guard } = guardAt({ budgetBytes: 0 });
    const h = new Holder();
    expect(guard.update(h, 1e9, false)).toBe(true);
  });

  it('a holder that throws does not stop the sweep; the error goes to onHolderError', () => {
    const seen: unknown[] = [];
    const clock = { ms: 0 };
    const guard = new PartialMessageGuard<PartialMessageHolder>({
      messageTimeoutMs: 10,
      sweepIntervalMs: 0,
      now: () => clock.ms,
      onHolderError: (err) => seen.push(err),
    });
    const bad: PartialMessageHolder = {
      onPartialMessageError() {
        throw new Error('bug');
      },
    };
    const good = new Holder();
    guard.update(bad, 1, false);
    guard.update(good, 1, false);
    clock.ms = 10;
    guard.sweep();
    expect(seen).toHaveLength(1);
    expect(good.errors).toHaveLength(1);
  });

  it('rejects invalid options, naming them', () => {
    expect(() => new PartialMessageGuard({ messageTimeoutMs: -1 })).toThrow(/messageTimeoutMs/);
    expect(() => new PartialMessageGuard({ budgetBytes: Number.NaN })).toThrow(/budgetBytes/);
  });
});

describe('PartialMessageGuard with real decoders', () => {
  it('follows an NDJSON decoder byte by byte: pending while a line is open, released at its newline', () => {
    const { guard } = guardAt({ budgetBytes: 1_000 });
    const h = new Holder();
    const decoder = new NdjsonDecoder({ maxLineBytes: 100, onMessage: () => {}, onError: () => {} });
    const seen: number[] = [];
    for (const byte of Buffer.from('{"a":1}\n')) {
      decoder.push(Buffer.from([byte]));
      guard.update(h, decoder.buffered, false);
      seen.push(guard.bytes);
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 0]);
  });

  it('follows a length-prefixed decoder: header bytes count too', () => {
    const { guard } = guardAt();
    const h = new Holder();
    const decoder = new LengthPrefixedDecoder({ maxFrameBytes: 100, onMessage: () => {}, onError: () => {} });
    decoder.push(Buffer.from([0, 0]));
    guard.update(h, decoder.buffered, false);
    expect(guard.bytes).toBe(2);
    decoder.push(Buffer.from([0, 3, 0x7b]));
    guard.update(h, decoder.buffered, false);
    expect(guard.bytes).toBe(1);
    decoder.push(Buffer.from('"}'));
    guard.update(h, decoder.buffered, true);
    expect(guard.bytes).toBe(0);
  });
});
