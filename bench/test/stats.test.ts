import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from '../src/stats.ts';

describe('LatencyRecorder', () => {
  it('reports zeros before any sample', () => {
    expect(new LatencyRecorder(8).summary()).toEqual({ p50Ms: 0, p99Ms: 0, maxMs: 0, samples: 0 });
  });

  it('gives p50, p99 and max in milliseconds from microsecond samples', () => {
    const r = new LatencyRecorder(1000);
    // 1..1000 us, shuffled so the order of recording does not matter.
    const values = Array.from({ length: 1000 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    for (const v of values) r.record(v);
    expect(r.summary()).toEqual({ p50Ms: 0.501, p99Ms: 0.991, maxMs: 1, samples: 1000 });
  });

  it('sorts numerically, not as strings', () => {
    const r = new LatencyRecorder(16);
    for (const v of [9, 100, 20, 3000]) r.record(v);
    expect(r.summary().p50Ms).toBe(0.1);
  });

  it('keeps a bounded reservoir: counts every sample, max stays exact', () => {
    const r = new LatencyRecorder(100);
    for (let i = 0; i < 10_000; i++) r.record(i % 50);
    r.record(123_456);
    const s = r.summary();
    expect(s.samples).toBe(10_001);
    expect(s.maxMs).toBe(123.456);
    // Every kept sample is one of the recorded values, so p50 lies in their range.
    expect(s.p50Ms).toBeGreaterThanOrEqual(0);
    expect(s.p50Ms).toBeLessThan(0.05);
  });
});
