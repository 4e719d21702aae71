import { FramingError, FramingErrorCode } from './framing-error.js';
import { MAX_LENGTH_PREFIX } from './length-prefixed-decoder.js';

function stringify(value: unknown): string {
  const text = JSON.stringify(value);
  // JSON.stringify returns undefined for undefined, functions and symbols: nothing to send.
  if (text === undefined) throw new TypeError(`Cannot encode ${typeof value} as JSON`);
  return text;
}

/** Encodes a value as one NDJSON line: compact JSON (which never holds a raw newline) and `\n`. */
export function encodeNdjson(value: unknown): Buffer {
  return Buffer.from(`${stringify(value)}\n`, 'utf8');
}

function frameHeader(length: number): void {
  if (length === 0) {
    throw new FramingError(FramingErrorCode.EMPTY_FRAME, 'Cannot encode an empty frame', { fatal: false });
  }
  if (length > MAX_LENGTH_PREFIX) {
    throw new FramingError(FramingErrorCode.FRAME_TOO_LARGE, `Frame of ${length} bytes exceeds 4 GiB - 1`, {
      fatal: false,
    });
  }
}

/** Encodes one frame: 4-byte big-endian length, then the payload (a string is encoded as UTF-8). */
export function encodeLengthPrefixed(payload: Uint8Array | string): Buffer {
  if (typeof payload === 'string') {
    const length = Buffer.byteLength(payload, 'utf8');
    frameHeader(length);
    const frame = Buffer.allocUnsafe(4 + length);
    frame.writeUInt32BE(length, 0);
    frame.write(payload, 4, 'utf8');
    return frame;
  }
  frameHeader(payload.length);
  const frame = Buffer.allocUnsafe(4 + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.set(payload, 4);
  return frame;
}

/** Encodes a value as one length-prefixed frame of compact UTF-8 JSON. */
export function encodeLengthPrefixedJson(value: unknown): Buffer {
  return encodeLengthPrefixed(stringify(value));
}
