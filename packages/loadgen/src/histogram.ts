/**
 * Latency histogram on Node's `perf_hooks.createHistogram()`: an HdrHistogram in native memory (3
 * significant figures, bounded size whatever the number of samples, ~20 ns per record), so every
 * sample counts — no reservoir, no fixed bucket width. Samples are recorded in nanoseconds (the
 * histogram takes integers); results are in milliseconds.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

/** Percentiles, mean, max and count of a histogram, in milliseconds. */
export interface LatencySummary {
  /** Samples recorded. */
  count: number;
  /** Exact mean (from the sum of the samples). */
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Exact largest sample. */
  maxMs: number;
}

const NS_PER_MS = 1e6;

/** Nanoseconds as the histogram's integer, at least 1 (its lowest trackable value). */
function toNs(ms: number): number {
  const ns = Math.round(ms * NS_PER_MS);
  // NaN (a bad clock reading) fails `>= 1` too and counts as 1 ns rather than poisoning the sum.
  return ns >= 1 ? Math.min(ns, Number.MAX_SAFE_INTEGER) : 1;
}

/**
 * Records latencies (ms) and answers percentiles within 0.1% of the true sample at that rank. Count,
 * mean and max are exact: the HDR histogram reports the top of a value's bucket as its max and a
 * bucket-based mean, so the sum and the maximum are kept beside it.
 */
export class LatencyHistogram {
  readonly #h: RecordableHistogram = createHistogram();
  #sumNs = 0;
  #maxNs = 0;

  /** Number of samples. */
  get count(): number {
    return this.#h.count;
  }

  /** Records one latency in milliseconds (negative and sub-nanosecond values count as 1 ns). */
  record(ms: number): void {
    const ns = toNs(ms);
    this.#h.record(ns);
    this.#sumNs += ns;
    if (ns > this.#maxNs) this.#maxNs = ns;
  }

  /** Adds every sample of `other` to this histogram (per-connection or per-worker results). */
  merge(other: LatencyHistogram): this {
    this.#h.add(other.#h);
    this.#sumNs += other.#sumNs;
    if (other.#maxNs > this.#maxNs) this.#maxNs = other.#maxNs;
    return this;
  }

  /** Forgets every sample (after a warm-up). */
  reset(): void {
    this.#h.reset();
    this.#sumNs = 0;
    this.#maxNs = 0;
  }

  /**
   * The `p`-th percentile (0 < p <= 100) in ms: the sample at rank max(1, round(p% of count)), as the
   * top of its histogram bucket (at most 0.1% above it) and never above the exact max; 0 when empty.
   */
  percentile(p: number): number {
    if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
    if (this.#h.count === 0) return 0;
    return Math.min(this.#h.percentile(p), this.#maxNs) / NS_PER_MS;
  }

  /** Exact mean in ms; 0 when empty. */
  mean(): number {
    const n = this.#h.count;
    return n === 0 ? 0 : this.#sumNs / n / NS_PER_MS;
  }

  /** Exact largest sample in ms; 0 when empty. */
  max(): number {
    return this.#maxNs / NS_PER_MS;
  }

  /** Count, mean, p50, p90, p99 and max (zeros when empty). */
  summary(): LatencySummary {
    return {
      count: this.count,
      meanMs: this.mean(),
      p50Ms: this.percentile(50),
      p90Ms: this.percentile(90),
      p99Ms: this.percentile(99),
      maxMs: this.max(),
    };
  }
}
