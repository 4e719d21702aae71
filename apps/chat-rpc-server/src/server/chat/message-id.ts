import { invalidParams } from '../errors.js';

/**
 * A message id: `"<milliseconds>-<sequence>"`, the form of a Redis stream id, so an engine on Redis
 * streams can hand out the same ids. Ordered by milliseconds, then sequence.
 */
export interface MessageId {
  readonly ms: number;
  readonly seq: number;
}

const ID_PATTERN = /^(\d{1,15})-(\d{1,15})$/;

/** Parses an id; undefined when `text` is not one. */
export function parseMessageId(text: string): MessageId | undefined {
  const m = ID_PATTERN.exec(text);
  if (!m) return undefined;
  return { ms: Number(m[1]), seq: Number(m[2]) };
}

/** Reads an id-valued parameter (`before`, `last_id`, `id`): INVALID_PARAMS unless it is an id string. */
export function messageIdParam(value: unknown, name: string): string {
  if (typeof value !== 'string' || parseMessageId(value) === undefined)
    throw invalidParams(`${name} must be a message id like "1733054400000-0"`);
  return value;
}

/** Negative, zero or positive as `a` is before, the same as, or after `b` (both well-formed ids). */
export function compareMessageIds(a: string, b: string): number {
  if (a === b) return 0;
  const x = parseMessageId(a);
  const y = parseMessageId(b);
  if (x === undefined || y === undefined) throw new RangeError(`not a message id: ${x ? b : a}`);
  return x.ms - y.ms || x.seq - y.seq;
}

/** Hands out increasing ids: the wall clock's milliseconds, and a sequence within one millisecond. */
export class MessageIdGenerator {
  #ms = 0;
  #seq = -1;

  /** The next id for a message stored at `nowMs` (a clock that goes back does not break the order). */
  next(nowMs: number): string {
    if (nowMs > this.#ms) {
      this.#ms = Math.floor(nowMs);
      this.#seq = 0;
    } else {
      this.#seq++;
    }
    return `${this.#ms}-${this.#seq}`;
  }

  /** Makes every later id greater than `id` (for ids loaded from a history file). */
  observe(id: string): void {
    const parsed = parseMessageId(id);
    if (parsed === undefined) return;
    if (parsed.ms > this.#ms || (parsed.ms === this.#ms && parsed.seq > this.#seq)) {
      this.#ms = parsed.ms;
      this.#seq = parsed.seq;
    }
  }

  /** The last id handed out or observed (`"0-0"` before any). */
  get last(): string {
    return this.#seq < 0 ? '0-0' : `${this.#ms}-${this.#seq}`;
  }
}
