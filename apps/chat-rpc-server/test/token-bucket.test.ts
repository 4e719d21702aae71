import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../src/server/chat/token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the configured rate', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 10, ratePerSecond: 2, now: () => now });
    for (let i = 0; i < 10; i++) expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    expect(bucket.msUntilNextToken()).toBe(500);
    now += 499;
    expect(bucket.tryTake()).toBe(false);
    now += 1;
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    now += 60_000; // a long pause refills only up to the burst
    for (let i = 0; i < 10; i++) expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it('survives a clock going backwards', () => {
    let now = 1000;
    const bucket = new TokenBucket({ burst: 1, ratePerSecond: 1, now: () => now });
    expect(bucket.tryTake()).toBe(true);
    now = 0;
    expect(bucket.tryTake()).toBe(false);
    now = 1000;
    expect(bucket.tryTake()).toBe(true);
  });

  it('rejects nonsense settings', () => {
    expect(() => new TokenBucket({ burst: 0, ratePerSecond: 1 })).toThrow(RangeError);
    expect(() => new TokenBucket({ burst: 1, ratePerSecond: 0 })).toThrow(RangeError);
  });
});
