/**
 * The reply batch: every reply frame produced from one input chunk, collected in one buffer and
 * written with one `write()`, with the buffers recycled once the socket has written them.
 */
import type { Writable } from 'node:stream';
import { HEADER_BYTES } from '../protocol/frame.js';

/** A batch grown past this (by a huge reply) is not kept for reuse. */
const MAX_RETAINED_BYTES = 1024 * 1024;

/** Buffers handed to sockets and given back once written, kept for the next batches. */
const MAX_SPARE_SLABS = 8;

/** One batch buffer and the number of socket writes still holding part of it. */
interface Slab {
  buf: Buffer;
  writes: number;
}

/**
 * Collects reply frames in one growing buffer so all replies produced from one input chunk leave in a
 * single `write()`. Shared by every connection of a server: processing is synchronous per chunk, so
 * only one connection fills it at a time and writes it out with `writeTo()`.
 */
export class FrameBatch {
  readonly #initialBytes: number;
  #slab: Slab;
  #len = 0;
  /** Written-out buffers, free again: recycled instead of allocating (and collecting) a new one per write. */
  readonly #spare: Slab[] = [];

  constructor(initialBytes = 64 * 1024) {
    this.#initialBytes = initialBytes;
    this.#slab = { buf: Buffer.allocUnsafeSlow(initialBytes), writes: 0 };
  }

  /** Bytes collected so far. */
  get length(): number {
    return this.#len;
  }

  /** Appends `json` as one frame. */
  push(json: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit; only measure exactly when the cheap bound does not fit.
    let need = HEADER_BYTES + json.length * 3;
    if (this.#len + need > this.#slab.buf.length) {
      need = HEADER_BYTES + Buffer.byteLength(json);
      if (this.#len + need > this.#slab.buf.length) this.#grow(this.#len + need);
    }
    const buf = this.#slab.buf;
    const written = buf.write(json, this.#len + HEADER_BYTES);
    buf.writeUInt32BE(written, this.#len);
    this.#len += HEADER_BYTES + written;
  }

  /**
   * Appends one frame made of `head`, the bytes `src[start, end)` and `tail`. `head` and `tail` must
   * be ASCII (they are written as latin1, one byte per character).
   */
  pushSplice(head: string, src: Uint8Array, start: number, end: number, tail: string): void {
    const length = head.length + (end - start) + tail.length;
    if (this.#len + HEADER_BYTES + length > this.#slab.buf.length)
      this.#grow(this.#len + HEADER_BYTES + length);
    const buf = this.#slab.buf;
    let at = this.#len;
    buf.writeUInt32BE(length, at);
    at += HEADER_BYTES;
    at += buf.write(head, at, 'latin1');
    buf.set(src.subarray(start, end), at);
    at += end - start;
    at += buf.write(tail, at, 'latin1');
    this.#len = at;
  }

  /** Returns a copy of the collected bytes and empties the batch. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.#len);
    this.#slab.buf.copy(out, 0, 0, this.#len);
    this.#len = 0;
    return out;
  }

  /**
   * Writes the collected bytes to `socket` without copying them and empties the batch; returns what
   * `write()` returned. When the kernel took everything synchronously (nothing left queued) the
   * buffer is free again and is reused at once; otherwise the socket keeps it, the batch continues in
   * a spare buffer, and this one becomes spare when its write completes.
   */
  writeTo(socket: Writable): boolean {
    const slab = this.#slab;
    slab.writes++;
    const ok = socket.write(slab.buf.subarray(0, this.#len), () => this.#written(slab));
    this.#len = 0;
    if (socket.writableLength !== 0 || slab.buf.length > MAX_RETAINED_BYTES) {
      this.#slab = this.#spare.pop() ?? { buf: Buffer.allocUnsafeSlow(this.#initialBytes), writes: 0 };
    }
    return ok;
  }

  /** Drops the collected bytes. */
  clear(): void {
    this.#len = 0;
  }

  /** A write of `slab` completed (or failed): once no write holds it, it may be reused. */
  #written(slab: Slab): void {
    slab.writes--;
    if (
      slab.writes === 0 &&
      slab !== this.#slab &&
      slab.buf.length <= MAX_RETAINED_BYTES &&
      this.#spare.length < MAX_SPARE_SLABS
    ) {
      this.#spare.push(slab);
    }
  }

  #grow(min: number): void {
    let size = this.#slab.buf.length * 2;
    while (size < min) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.#slab.buf.copy(next, 0, 0, this.#len);
    // The old buffer may still be held by a pending write; it is simply not recycled.
    this.#slab = { buf: next, writes: 0 };
  }
}
