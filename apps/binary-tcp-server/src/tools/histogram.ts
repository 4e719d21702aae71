/**
 * A latency histogram in fixed 10 µs buckets up to 1 s (plus exact overflow values): O(1) to record,
 * no per-sample allocation, percentiles within 10 µs.
 */
const BUCKET_US = 10;
const BUCKETS = 100_000;

export class LatencyHistogram {
  readonly #counts = new Uint32Array(BUCKETS);
  #overflow: number[] = [];
  #count = 0;
  #sumMs = 0;
  #maxMs = 0;

  /** Number of samples. */
  get count(): number {
    return this.#count;
  }

  /** Records `n` samples of `ms` milliseconds (replies that arrived together share a time). */
  record(ms: number, n = 1): void {
    const v = Math.max(ms, 0);
    const bucket = Math.floor((v * 1000) / BUCKET_US);
    if (bucket < BUCKETS) this.#counts[bucket]! += n;
    else for (let i = 0; i < n; i++) this.#overflow.push(v);
    this.#count += n;
    this.#sumMs += v * n;
    if (v > this.#maxMs) this.#maxMs = v;
  }

  /** The `p`-th percentile (0-100) in ms: the upper edge of the bucket holding it. */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(this.#maxMs, ((i + 1) * BUCKET_US) / 1000);
    }
    const sorted = [...this.#overflow].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, rank - seen - 1)] ?? this.#maxMs;
  }

  /** Mean in ms. */
  mean(): number {
    return this.#count === 0 ? 0 : this.#sumMs / this.#count;
  }

  /** Largest sample in ms. */
  max(): number {
    return this.#maxMs;
  }
}
