/**
 * The wire framing both ends speak: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.
 * The push decoder is the length-prefixed one from @sockworks/framing; the limits are the caller's.
 */

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

/** Encodes a JSON text as one frame (header + UTF-8 payload) in a new Buffer. */
export function encodeFrame(json: string): Buffer {
  const length = Buffer.byteLength(json);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + length);
  frame.writeUInt32BE(length, 0);
  frame.write(json, HEADER_BYTES);
  return frame;
}
