/**
 * Reply counters: how a load generator finds where replies end without decoding them. Every protocol
 * here answers a connection's requests in order, so counting replies is enough to match each to its
 * request. Counters hold no bytes (a few integers of state), so they need no size limit; a stream that
 * never completes a reply shows up as a stall.
 */

/** Counts complete replies in one connection's byte stream. */
export interface ReplyCounter {
  /** Consumes the next chunk; returns how many replies ended inside it. */
  feed(chunk: Buffer): number;
  /** Replies so far that were not the expected kind (error replies), when the counter checks them. */
  readonly rejected: number;
}

/** Creates one counter per connection. */
export type ReplyCounterFactory = () => ReplyCounter;

const NEWLINE = 0x0a;

/** Counts `\n`-terminated replies (NDJSON, line protocols). */
export function lineReplies(): ReplyCounter {
  return {
    rejected: 0,
    feed(chunk) {
      let n = 0;
      let i = chunk.indexOf(NEWLINE);
      while (i !== -1) {
        n++;
        i = chunk.indexOf(NEWLINE, i + 1);
      }
      return n;
    },
  };
}

/** Options of {@link lengthPrefixedReplies}. */
export interface LengthPrefixedRepliesOptions {
  /**
   * Bytes every good reply's body starts with (e.g. `{"type":"echo_response"`); a reply whose body
   * does not is counted in `rejected`. Checked across chunk boundaries. Default: no check.
   */
  expectPrefix?: Uint8Array;
}

const HEADER_BYTES = 4;

/** Counts replies framed by a 4-byte big-endian length (a zero length is a reply with no body). */
export function lengthPrefixedReplies(options: LengthPrefixedRepliesOptions = {}): ReplyCounter {
  return new LengthPrefixedCounter(options.expectPrefix ?? new Uint8Array(0));
}

class LengthPrefixedCounter implements ReplyCounter {
  rejected = 0;
  readonly #prefix: Uint8Array;
  /** Header bytes of the current frame read so far (0-3), and their value. */
  #headerFill = 0;
  #header = 0;
  /** Body bytes of the current frame still to come. */
  #bodyLeft = 0;
  /** Body bytes compared with the prefix so far; -1 once this frame is known not to match. */
  #matched = 0;

  constructor(prefix: Uint8Array) {
    this.#prefix = prefix;
  }

  feed(chunk: Buffer): number {
    const n = chunk.length;
    let i = 0;
    let replies = 0;
    while (i < n) {
      if (this.#bodyLeft === 0) {
        // A header: whole in this chunk (the usual case) or assembled byte by byte across chunks.
        if (this.#headerFill === 0 && n - i >= HEADER_BYTES) {
          this.#bodyLeft = chunk.readUInt32BE(i);
          i += HEADER_BYTES;
        } else {
          this.#header = this.#header * 256 + chunk[i++]!;
          if (++this.#headerFill < HEADER_BYTES) continue;
          this.#bodyLeft = this.#header;
          this.#headerFill = 0;
          this.#header = 0;
        }
        this.#matched = 0;
        if (this.#bodyLeft === 0) {
          this.#finish();
          replies++;
        }
        continue;
      }
      const take = Math.min(this.#bodyLeft, n - i);
      if (this.#matched >= 0 && this.#matched < this.#prefix.length) this.#check(chunk, i, take);
      this.#bodyLeft -= take;
      i += take;
      if (this.#bodyLeft === 0) {
        this.#finish();
        replies++;
      }
    }
    return replies;
  }

  /** Compares the body bytes chunk[i, i + take) that fall within the prefix. */
  #check(chunk: Buffer, i: number, take: number): void {
    const prefix = this.#prefix;
    const from = this.#matched;
    const count = Math.min(take, prefix.length - from);
    this.#matched = chunk.compare(prefix, from, from + count, i, i + count) === 0 ? from + count : -1;
  }

  /** A frame ended: it is rejected unless its whole prefix matched. */
  #finish(): void {
    if (this.#matched !== this.#prefix.length) this.rejected++;
  }
}
