function indexOrEnd(buf: Buffer, byte: number, from: number): number {
  const at = buf.indexOf(byte, from);
  return at === -1 ? buf.length : at;
}

/** The chunk of a StringStops that has none (shared, so releasing one allocates nothing). */
const EMPTY = Buffer.alloc(0);

/**
 * Finds, in one chunk, the next byte that matters inside a JSON string: a quote, a backslash or a
 * newline. Uses the native indexOf and caches the three positions, which only move forward, so many
 * strings in one large chunk cost one pass over it, not one pass each.
 */
export class StringStops {
  private buf: Buffer = EMPTY;
  private quote = -1;
  private backslash = -1;
  private newline = -1;

  /** Starts over on a new chunk. */
  reset(buf: Buffer): void {
    this.buf = buf;
    this.quote = -1;
    this.backslash = -1;
    this.newline = -1;
  }

  /** Lets go of the chunk (an idle connection must not keep its last one alive). */
  release(): void {
    this.buf = EMPTY;
  }

  /** Index of the first quote, backslash or newline at or after `from`; the chunk length if none. */
  next(from: number): number {
    const buf = this.buf;
    if (this.quote < from) this.quote = indexOrEnd(buf, 0x22, from);
    if (this.backslash < from) this.backslash = indexOrEnd(buf, 0x5c, from);
    if (this.newline < from) this.newline = indexOrEnd(buf, 0x0a, from);
    return Math.min(this.quote, this.backslash, this.newline);
  }
}
