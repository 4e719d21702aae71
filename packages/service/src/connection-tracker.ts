/** What a tracker reports: an item was added (`'add'`) or deleted (`'delete'`). */
export type ConnectionEvent = 'add' | 'delete';

/** Called with the item and the size after the change. */
export type ConnectionListener<T> = (item: T, size: number) => void;

/**
 * A bounded set of live connections: `tryAdd` refuses past `max`, `whenEmpty` resolves once the last
 * one is deleted, `on('add' | 'delete')` reports every change and `whenSize(n)` resolves when the
 * count is `n`. Used by NetService, and directly by servers built on `http.Server`.
 */
export class ConnectionTracker<T> implements Iterable<T> {
  readonly max: number;
  readonly #items = new Set<T>();
  #waiters: Array<() => void> = [];
  /** Listeners per event; null while there are none, so a change with no listener allocates nothing. */
  #onAdd: Array<ConnectionListener<T>> | null = null;
  #onDelete: Array<ConnectionListener<T>> | null = null;

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
    if (this.#onAdd !== null) this.#emit(this.#onAdd, item);
    return true;
  }

  /** True when `item` is tracked. */
  has(item: T): boolean {
    return this.#items.has(item);
  }

  /** Stops tracking `item`; wakes `whenEmpty()` waiters when it was the last one. */
  delete(item: T): boolean {
    const deleted = this.#items.delete(item);
    if (deleted && this.#onDelete !== null) this.#emit(this.#onDelete, item);
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

  /**
   * Calls `listener(item, size)` after every add (`'add'`) or delete (`'delete'`) of an item;
   * returns a function that removes it. A throwing listener does not stop the others or the change.
   */
  on(event: ConnectionEvent, listener: ConnectionListener<T>): () => void {
    // Copy on write (here and on removal): an emit in progress keeps iterating its own array.
    if (event === 'add') this.#onAdd = [...(this.#onAdd ?? []), listener];
    else this.#onDelete = [...(this.#onDelete ?? []), listener];
    return () => {
      const current = event === 'add' ? this.#onAdd : this.#onDelete;
      if (current === null) return;
      const index = current.indexOf(listener);
      if (index === -1) return;
      const next = current.filter((_, i) => i !== index);
      if (event === 'add') this.#onAdd = next.length > 0 ? next : null;
      else this.#onDelete = next.length > 0 ? next : null;
    };
  }

  /** Resolves once exactly `n` items are tracked (at once if they already are). */
  whenSize(n: number): Promise<void> {
    if (!(Number.isInteger(n) && n >= 0)) {
      throw new RangeError(`whenSize needs a non-negative integer, got ${String(n)}`);
    }
    if (this.#items.size === n) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (_item: T, size: number): void => {
        if (size !== n) return;
        offAdd();
        offDelete();
        resolve();
      };
      const offAdd = this.on('add', check);
      const offDelete = this.on('delete', check);
    });
  }

  #emit(listeners: ReadonlyArray<ConnectionListener<T>>, item: T): void {
    const size = this.#items.size;
    for (const listener of listeners) {
      try {
        listener(item, size);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  /** Iterates over a snapshot, so callbacks may delete items while the caller loops. */
  [Symbol.iterator](): Iterator<T> {
    return [...this.#items][Symbol.iterator]();
  }
}
