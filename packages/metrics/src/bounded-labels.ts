/** The label value every value outside a metric's known set is counted under. */
export const OTHER = 'other';

/**
 * One child of a labelled prom-client metric per known label value, resolved once, so the hot path
 * is a Map lookup and an `inc()`: no label object per call. A value outside the set counts as
 * `other`, which keeps the series count bounded whatever a client sends.
 */
export class BoundedLabels<C> {
  readonly #children = new Map<string, C>();
  readonly #other: C;

  constructor(values: readonly string[], child: (value: string) => C) {
    for (const value of values) this.#children.set(value, child(value));
    let other = this.#children.get(OTHER);
    if (other === undefined) {
      other = child(OTHER);
      this.#children.set(OTHER, other);
    }
    this.#other = other;
  }

  /** Makes `value` a known value (no-op when it is one already). */
  add(value: string, child: C): void {
    if (!this.#children.has(value)) this.#children.set(value, child);
  }

  /** Every known value (and `other`) with its child. */
  entries(): IterableIterator<[string, C]> {
    return this.#children.entries();
  }

  /** The child of `value`, or of `other` when the value is not a known one. */
  get(value: string): C {
    return this.#children.get(value) ?? this.#other;
  }
}
