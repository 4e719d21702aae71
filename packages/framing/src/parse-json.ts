import { excerptOf, FramingError, FramingErrorCode } from './framing-error.js';
import { DEFAULT_MAX_DEPTH, exceedsJsonDepth } from './json-depth.js';
import { hasNonFiniteNumber } from './json-finite.js';
import { decodeUtf8 } from './utf8.js';

/**
 * Decodes and parses one complete JSON unit. Returns the value, or a non-fatal FramingError
 * (INVALID_UTF8, TOO_DEEP, INVALID_JSON, NON_FINITE_NUMBER) instead of throwing, so decoders stay cheap on bad input.
 * JSON.parse never yields a FramingError instance, so `instanceof` tells the two apart.
 */
export function parseJsonUnit(bytes: Uint8Array, maxDepth: number, unit: string): unknown {
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    return new FramingError(FramingErrorCode.INVALID_UTF8, `${unit} is not valid UTF-8`, {
      fatal: false,
      excerpt: excerptOf(bytes),
    });
  }
  return parseJsonText(text, bytes, maxDepth, unit);
}

/**
 * {@link parseJsonUnit} for a unit already decoded from valid UTF-8: `text` is `bytes` decoded (the
 * bytes only serve the excerpt of an error).
 */
export function parseJsonText(text: string, bytes: Uint8Array, maxDepth: number, unit: string): unknown {
  if (exceedsJsonDepth(text, maxDepth)) {
    return new FramingError(FramingErrorCode.TOO_DEEP, `${unit} nests deeper than ${maxDepth} levels`, {
      fatal: false,
      excerpt: excerptOf(bytes),
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    // The SyntaxError text quotes the input, so it goes in `cause`, not in the message.
    return new FramingError(FramingErrorCode.INVALID_JSON, `${unit} is not valid JSON`, {
      fatal: false,
      excerpt: excerptOf(bytes),
      cause,
    });
  }
  // 1e400 parses to Infinity, which every reply would carry as null: refuse it instead.
  if (hasNonFiniteNumber(value)) {
    return new FramingError(
      FramingErrorCode.NON_FINITE_NUMBER,
      `${unit} holds a number outside the range of a double (JSON numbers must be finite)`,
      { fatal: false, excerpt: excerptOf(bytes) },
    );
  }
  return value;
}

/**
 * Parses one length-prefixed payload as UTF-8 JSON.
 * Throws a non-fatal FramingError: INVALID_UTF8, TOO_DEEP (over `maxDepth`, default 64), INVALID_JSON
 * or NON_FINITE_NUMBER (a number literal such as `1e400` that a double cannot hold).
 */
export function parseJsonPayload(payload: Uint8Array, opts?: { maxDepth?: number }): unknown {
  const result = parseJsonUnit(payload, opts?.maxDepth ?? DEFAULT_MAX_DEPTH, 'Payload');
  if (result instanceof FramingError) throw result;
  return result;
}
