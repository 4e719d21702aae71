/** A source of wall-clock milliseconds; injectable so tests control time. */
export type Clock = () => number;

/** Formats ISO 8601 UTC timestamps, reusing the string while the millisecond has not changed. */
export class IsoClock {
  #lastMs = Number.NaN;
  #lastIso = '';

  constructor(readonly now: Clock = Date.now) {}

  /** The current time as `2024-01-01T12:00:00.000Z`; one `toISOString()` per distinct millisecond. */
  iso(): string {
    const ms = this.now();
    if (ms !== this.#lastMs) {
      this.#lastMs = ms;
      this.#lastIso = new Date(ms).toISOString();
    }
    return this.#lastIso;
  }

  /** Formats an arbitrary instant. */
  format(ms: number): string {
    return new Date(ms).toISOString();
  }
}
