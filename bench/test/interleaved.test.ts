import type { LoadResult } from '@sockworks/loadgen';
import { describe, expect, it } from 'vitest';
import { measureInterleaved } from '../src/measure.ts';
import type { ServerProcess } from '../src/server-process.ts';

/** A stand-in server process that records when it is stopped. */
function fakeServer(log: string[], name: string): ServerProcess {
  return {
    pid: 1,
    sample: () => ({ cpuMs: 0, rssBytes: 1 << 20, peakRssBytes: 2 << 20 }),
    stop: async () => {
      log.push(`stop ${name}`);
    },
  };
}

const result = (perSecond: number, p99Ms: number): LoadResult => ({
  completed: perSecond,
  elapsedMs: 1000,
  perSecond,
  latency: { count: perSecond, meanMs: p99Ms / 2, p50Ms: p99Ms / 2, p90Ms: p99Ms, p99Ms, maxMs: p99Ms * 2 },
  errors: 0,
});

describe('measureInterleaved', () => {
  it('alternates the subjects round by round, in alternating order, and reports medians and the median paired ratio', async () => {
    const log: string[] = [];
    const a = fakeServer(log, 'a');
    const b = fakeServer(log, 'b');
    // Round 1 is a slow spell for both: the paired ratio is unaffected.
    const aRates = [100, 40, 110];
    const bRates = [200, 80, 200];
    const { measurements, ratio } = await measureInterleaved(3, [
      {
        subject: 'ours',
        start: async () => {
          log.push('start a');
          return a;
        },
        load: async (round) => {
          log.push(`a${round}`);
          return result(aRates[round] ?? 0, round + 1);
        },
      },
      {
        subject: 'anchor',
        start: async () => {
          log.push('start b');
          return b;
        },
        load: async (round) => {
          log.push(`b${round}`);
          return result(bRates[round] ?? 0, 1);
        },
      },
    ]);
    expect(log).toEqual(['start a', 'start b', 'a0', 'b0', 'b1', 'a1', 'a2', 'b2', 'stop a', 'stop b']);
    expect(ratio).toBe(0.5);
    expect(measurements[0]).toMatchObject({
      subject: 'ours',
      perSecond: 100,
      p50Ms: 1,
      p99Ms: 2,
      maxMs: 6,
      errors: 0,
      peakRssMiB: 2,
      note: 'median of 3 interleaved rounds: 100, 40, 110/s; p99 1.00, 2.00, 3.00 ms',
    });
    expect(measurements[1]?.perSecond).toBe(200);
  });

  it('stops every server it started when a load fails', async () => {
    const log: string[] = [];
    const a = fakeServer(log, 'a');
    await expect(
      measureInterleaved(2, [
        { subject: 'ours', start: async () => a, load: async () => Promise.reject(new Error('boom')) },
      ]),
    ).rejects.toThrow('boom');
    expect(log).toEqual(['stop a']);
  });
});
