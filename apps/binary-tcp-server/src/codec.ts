/**
 * The codec layer: the length-prefixed decoder from @sockworks/framing configured with this app's
 * limits, the JSON payload parser, and the mapping of framing errors to the protocol's error codes.
 */

import type { Writable } from 'node:stream';
import { TcpErrorCode } from '@sockworks/error-codes';
import { type FramingError, LengthPrefixedDecoder, parseJsonPayload } from '@sockworks/framing';

/** Size of the big-endian length header in front of every frame. */
export const HEADER_BYTES = 4;

/**
 * What a frame decoder reports to: raw payloads and framing errors. The decoder calls these as
 * methods of this object, so a connection can pass itself and needs no closures per socket.
 */
export interface FrameSink {
  readonly maxFrameBytes: number;
  onMessage(payload: Buffer): void;
  onError(error: FramingError): void;
}

/** A push decoder of length-prefixed frames; rejects a frame over `maxFrameBytes` as soon as its header arrives. */
export function createFrameDecoder(sink: FrameSink): LengthPrefixedDecoder {
  return new LengthPrefixedDecoder(sink);
}

/** Parses a payload as UTF-8 JSON; throws a FramingError (INVALID_UTF8, INVALID_JSON, TOO_DEEP). */
export function parsePayload(payload: Uint8Array, maxDepth: number): unknown {
  return parseJsonPayload(payload, { maxDepth });
}

/** The protocol error a framing error is answered with. */
export function tcpCodeForFramingError(error: FramingError): { code: TcpErrorCode; message: string } {
  switch (error.code) {
    case 'FRAME_TOO_LARGE':
      return { code: TcpErrorCode.FRAME_TOO_LARGE, message: error.message };
    case 'EMPTY_FRAME':
      return { code: TcpErrorCode.EMPTY_FRAME, message: 'Zero-length frames are not allowed' };
    case 'TOO_DEEP':
      return { code: TcpErrorCode.INVALID_MESSAGE, message: error.message };
    default:
      return { code: TcpErrorCode.INVALID_JSON, message: 'Payload is not valid UTF-8 JSON' };
  }
}

/** True when the error ends the connection (framing lost, or a zero-length frame). */
export function closesConnection(error: FramingError): boolean {
  return error.fatal || error.code === 'EMPTY_FRAME';
}

/** Encodes a JSON text as one frame (header + UTF-8 payload) in a new Buffer. */
export function encodeFrame(json: string): Buffer {
  const length = Buffer.byteLength(json);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + length);
  frame.writeUInt32BE(length, 0);
  frame.write(json, HEADER_BYTES);
  return frame;
}

/** A batch grown past this (by a huge reply) is not kept for reuse. */
const MAX_RETAINED_BYTES = 1024 * 1024;

/**
 * Collects reply frames in one growing buffer so all replies produced from one input chunk leave in a
 * single `write()`. Shared by every connection of a server: processing is synchronous per chunk, so
 * only one connection fills it at a time and writes it out with `writeTo()`.
 */
export class FrameBatch {
  readonly #initialBytes: number;
  #buf: Buffer;
  #len = 0;

  constructor(initialBytes = 64 * 1024) {
    this.#initialBytes = initialBytes;
    this.#buf = Buffer.allocUnsafeSlow(initialBytes);
  }

  /** Bytes collected so far. */
  get length(): number {
    return this.#len;
  }

  /** Appends `json` as one frame. */
  push(json: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit; only measure exactly when the cheap bound does not fit.
    let need = HEADER_BYTES + json.length * 3;
    if (this.#len + need > this.#buf.length) {
      need = HEADER_BYTES + Buffer.byteLength(json);
      if (this.#len + need > this.#buf.length) this.#grow(this.#len + need);
    }
    const written = this.#buf.write(json, this.#len + HEADER_BYTES);
    this.#buf.writeUInt32BE(written, this.#len);
    this.#len += HEADER_BYTES + written;
  }

  /** Returns a copy of the collected bytes and empties the batch. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.#len);
    this.#buf.copy(out, 0, 0, this.#len);
    this.#len = 0;
    return out;
  }

  /**
   * Writes the collected bytes to `socket` without copying them and empties the batch; returns what
   * `write()` returned. When the kernel took everything synchronously (nothing left queued) the
   * buffer is free again and is reused; otherwise the socket keeps it and the batch starts a new one.
   */
  writeTo(socket: Writable): boolean {
    const ok = socket.write(this.#buf.subarray(0, this.#len));
    this.#len = 0;
    if (socket.writableLength !== 0) this.#buf = Buffer.allocUnsafeSlow(this.#initialBytes);
    else if (this.#buf.length > MAX_RETAINED_BYTES) this.#buf = Buffer.allocUnsafeSlow(this.#initialBytes);
    return ok;
  }

  /** Drops the collected bytes. */
  clear(): void {
    this.#len = 0;
  }

  #grow(min: number): void {
    let size = this.#buf.length * 2;
    while (size < min) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.#buf.copy(next, 0, 0, this.#len);
    this.#buf = next;
  }
}
