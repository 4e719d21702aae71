import { describe, expect, it } from 'vitest';
import { BACKOFF_DEFAULTS, backoffDelay } from '../src/index.js';

describe('backoff', () => {
  it('grows exponentially up to the cap, with the jitter fraction random', () => {
    const opts = { ...BACKOFF_DEFAULTS, initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, opts, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect([1, 2, 3].map((n) => backoffDelay(n, opts, () => 0))).toEqual([50, 100, 200]);
    expect(backoffDelay(3, { ...opts, jitter: 0 }, () => 0.3)).toBe(400);
    expect(backoffDelay(3, { ...opts, jitter: 1 }, () => 0.25)).toBe(100);
  });

  it('defaults: 100 ms doubling to 10 s, half random, never giving up', () => {
    expect(BACKOFF_DEFAULTS).toEqual({
      initialDelayMs: 100,
      maxDelayMs: 10_000,
      factor: 2,
      jitter: 0.5,
      maxAttempts: Number.POSITIVE_INFINITY,
    });
    expect(backoffDelay(20, BACKOFF_DEFAULTS, () => 1)).toBe(10_000);
  });
});
