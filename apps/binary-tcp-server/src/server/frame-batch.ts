/**
 * A connection's reply batch: the replies produced from one input chunk, written with one `write()`.
 * Each connection has its own; it holds only the reply texts until they are written.
 */
import { HEADER_BYTES } from '../protocol/frame.js';

/** Collects reply frames (as JSON texts) so all replies to one input chunk leave in a single write. */
export class FrameBatch {
  #frames: string[] = [];
  #chars = 0;

  /** UTF-16 units collected so far (a cheap bound for when to write out mid-chunk). */
  get length(): number {
    return this.#chars;
  }

  /** Appends `json` as one frame. */
  push(json: string): void {
    this.#frames.push(json);
    this.#chars += json.length;
  }

  /** Returns the collected frames, each behind its big-endian length header, and empties the batch. */
  take(): Buffer {
    const frames = this.#frames;
    const lengths = new Array<number>(frames.length);
    let total = 0;
    for (let i = 0; i < frames.length; i++) {
      const n = Buffer.byteLength(frames[i]!);
      lengths[i] = n;
      total += HEADER_BYTES + n;
    }
    const out = Buffer.allocUnsafe(total);
    let at = 0;
    for (let i = 0; i < frames.length; i++) {
      out.writeUInt32BE(lengths[i]!, at);
      at += HEADER_BYTES;
      at += out.write(frames[i]!, at);
    }
    this.clear();
    return out;
  }

  /** Drops the collected frames. */
  clear(): void {
    if (this.#frames.length !== 0) this.#frames = [];
    this.#chars = 0;
  }
}
