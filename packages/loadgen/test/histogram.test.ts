import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/index.js';

/** Latencies as whole nanoseconds (what the histogram stores), recorded in ms. */
const latenciesNs = fc.array(fc.integer({ min: 1, max: 100_000_000_000 }), { minLength: 1, maxLength: 400 });
const percentiles = fc.array(fc.double({ min: 0.001, max: 100, noNaN: true }), {
  minLength: 1,
  maxLength: 8,
});

function recordAll(values: readonly number[]): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const ns of values) h.record(ns / 1e6);
  return h;
}

/** The sample at the rank HdrHistogram uses: max(1, round(p% of the count)), from a sorted copy. */
function reference(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.floor((p / 100) * sorted.length + 0.5));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

// 3 significant figures: a bucket is at most 1/1024 of its values wide; the float conversion ns -> ms
// and back adds far less than the 1e-9 allowed for it.
const BUCKET = 1 / 1024;
const FLOAT = 1e-9;

describe('LatencyHistogram', () => {
  it('is all zeros when empty, and rejects a percentile outside (0, 100]', () => {
    const h = new LatencyHistogram();
    expect(h.summary()).toEqual({ count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, maxMs: 0 });
    for (const p of [0, -1, 100.5, Number.NaN]) expect(() => h.percentile(p), String(p)).toThrow(RangeError);
  });

  it('percentiles match a sorted-array reference within one bucket (property)', () => {
    fc.assert(
      fc.property(latenciesNs, percentiles, (values, ps) => {
        const h = recordAll(values);
        for (const p of ps) {
          const expected = reference(values, p);
          const got = h.percentile(p) * 1e6;
          expect(got, `p${p}`).toBeGreaterThanOrEqual(expected * (1 - FLOAT));
          expect(got, `p${p}`).toBeLessThanOrEqual(expected * (1 + BUCKET) * (1 + FLOAT));
        }
      }),
    );
  });

  it('count, mean and max are exact (property)', () => {
    fc.assert(
      fc.property(latenciesNs, (values) => {
        const h = recordAll(values);
        expect(h.count).toBe(values.length);
        expect(h.max() * 1e6).toBeCloseTo(Math.max(...values), 3);
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        expect(Math.abs(h.mean() * 1e6 - mean)).toBeLessThanOrEqual(mean * FLOAT);
        expect(h.percentile(100)).toBe(h.max());
      }),
    );
  });

  it('merging equals recording everything in one histogram (property)', () => {
    fc.assert(
      fc.property(latenciesNs, latenciesNs, percentiles, (a, b, ps) => {
        const merged = recordAll(a).merge(recordAll(b));
        const whole = recordAll([...a, ...b]);
        expect(merged.count).toBe(whole.count);
        expect(merged.max()).toBe(whole.max());
        expect(merged.mean()).toBeCloseTo(whole.mean(), 9);
        for (const p of ps) expect(merged.percentile(p), `p${p}`).toBe(whole.percentile(p));
      }),
    );
  });

  it('records sub-nanosecond, zero, negative and NaN latencies as 1 ns, and forgets them on reset', () => {
    const h = new LatencyHistogram();
    for (const ms of [0, -5, 1e-9, Number.NaN]) h.record(ms);
    expect(h.summary()).toEqual({
      count: 4,
      meanMs: 1e-6,
      p50Ms: 1e-6,
      p90Ms: 1e-6,
      p99Ms: 1e-6,
      maxMs: 1e-6,
    });
    h.reset();
    expect(h.count).toBe(0);
    expect(h.max()).toBe(0);
    h.record(2.5);
    expect(h.summary()).toMatchObject({ count: 1, meanMs: 2.5, maxMs: 2.5 });
    expect(h.percentile(50)).toBeCloseTo(2.5, 2);
  });

  it('keeps percentiles of an hour-long tail next to microsecond samples', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 999; i++) h.record(0.05);
    h.record(3_600_000);
    expect(h.percentile(99)).toBeCloseTo(0.05, 4);
    expect(h.max()).toBe(3_600_000);
    expect(h.percentile(99.95)).toBe(3_600_000);
  });
});
