/**
 * The codec layer: the length-prefixed decoder from @sockworks/framing configured with this app's
 * limits, the JSON payload parser, and the mapping of framing errors to the protocol's error codes.
 */

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
    case 'MESSAGE_TIMEOUT':
      return { code: TcpErrorCode.MESSAGE_TIMEOUT, message: error.message };
    case 'PARTIAL_BUDGET_EXCEEDED':
      return { code: TcpErrorCode.PARTIAL_BUDGET_EXCEEDED, message: error.message };
    case 'TOO_DEEP':
    case 'NON_FINITE_NUMBER':
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
