/** Latency samples in microseconds, kept in a bounded reservoir so long runs cost fixed memory. */
export class LatencyRecorder {
  private readonly samples: Float64Array;
  private filled = 0;
  private seen = 0;
  private maxUs = 0;

  constructor(capacity = 1 << 20) {
    this.samples = new Float64Array(capacity);
  }

  /** Records one latency in microseconds. */
  record(us: number): void {
    this.seen++;
    if (us > this.maxUs) this.maxUs = us;
    if (this.filled < this.samples.length) {
      this.samples[this.filled++] = us;
      return;
    }
    // Reservoir sampling keeps a uniform sample of everything seen.
    const slot = Math.floor(Math.random() * this.seen);
    if (slot < this.samples.length) this.samples[slot] = us;
  }

  /** p50 / p99 / max in milliseconds (max is exact, percentiles come from the reservoir). */
  summary(): LatencySummary {
    if (this.filled === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0, samples: 0 };
    const sorted = this.samples.slice(0, this.filled).sort();
    const at = (q: number) =>
      (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) / 1000;
    return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: this.maxUs / 1000, samples: this.seen };
  }
}

export interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
}

/** Microseconds since an arbitrary origin, from the monotonic clock. */
export function nowUs(): number {
  return performance.now() * 1000;
}
