/**
 * A bounded set of live connections: `tryAdd` refuses past `max`, `whenEmpty` resolves once the last
 * one is deleted. Used by NetService, and directly by servers built on `http.Server`.
 */
export class ConnectionTracker<T> implements Iterable<T> {
  readonly max: number;
  readonly #items = new Set<T>();
  #waiters: Array<() => void> = [];

  constructor(max: number) {
    if (!(Number.isInteger(max) && max >= 0) && max !== Number.POSITIVE_INFINITY) {
      throw new RangeError(`ConnectionTracker max must be a non-negative integer, got ${String(max)}`);
    }
    this.max = max;
  }

  /** Number of tracked items. */
  get size(): number {
    return this.#items.size;
  }

  /** True when no further item fits. */
  get full(): boolean {
    return this.#items.size >= this.max;
  }

  /** The tracked items, read-only. */
  get items(): ReadonlySet<T> {
    return this.#items;
  }

  /** Adds `item` unless the tracker is full; true when it is tracked afterwards. */
  tryAdd(item: T): boolean {
    if (this.#items.has(item)) return true;
    if (this.#items.size >= this.max) return false;
    this.#items.add(item);
    return true;
  }

  /** True when `item` is tracked. */
  has(item: T): boolean {
    return this.#items.has(item);
  }

  /** Stops tracking `item`; wakes `whenEmpty()` waiters when it was the last one. */
  delete(item: T): boolean {
    const deleted = this.#items.delete(item);
    if (deleted && this.#items.size === 0 && this.#waiters.length > 0) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const wake of waiters) wake();
    }
    return deleted;
  }

  /** Resolves once nothing is tracked (at once if already empty). */
  whenEmpty(): Promise<void> {
    if (this.#items.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Iterates over a snapshot, so callbacks may delete items while the caller loops. */
  [Symbol.iterator](): Iterator<T> {
    return [...this.#items][Symbol.iterator]();
  }
}
