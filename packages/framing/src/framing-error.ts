import { FramingErrorCode, ProtocolError } from '@sockworks/error-codes';

const kFramingError = Symbol.for('sockworks.error.FramingError');

/** Longest excerpt of offending input carried by a FramingError, in UTF-16 code units. */
export const EXCERPT_MAX_CHARS = 128;

/** A decoding failure with a stable code; `fatal` says whether the stream can continue. */
export class FramingError extends ProtocolError<FramingErrorCode> {
  /** True when framing is lost: the decoder ignores further input and the connection should close. */
  readonly fatal: boolean;
  /** Up to 128 characters of the offending input, for protocol sniffing and logs (untrusted text). */
  readonly excerpt?: string;

  constructor(
    code: FramingErrorCode,
    message: string,
    options: { fatal: boolean; excerpt?: string | undefined; cause?: unknown },
  ) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.fatal = options.fatal;
    if (options.excerpt !== undefined) this.excerpt = options.excerpt;
    Object.defineProperty(this, kFramingError, { value: true });
  }

  /** True for a `FramingError` from any copy of this package. */
  static override is(value: unknown): value is FramingError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[kFramingError] === true
    );
  }
}

/** Decodes the start of `bytes` leniently (for display only) and cuts it to EXCERPT_MAX_CHARS. */
export function excerptOf(bytes: Uint8Array): string {
  // Four bytes per character at most, so this slice always holds enough input for 128 characters.
  const head = bytes.subarray(0, EXCERPT_MAX_CHARS * 4);
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8');
  return cutExcerpt(text);
}

/**
 * Excerpt of a unit held in pieces, from its first `min(limit, 512)` bytes. Oversize errors pass the
 * unit's size limit, so the excerpt does not depend on how far past it the input happened to reach.
 */
export function excerptOfPieces(pieces: readonly Uint8Array[], limit = Number.POSITIVE_INFINITY): string {
  const want = Math.min(limit, EXCERPT_MAX_CHARS * 4);
  const head = Buffer.allocUnsafe(want);
  let filled = 0;
  for (const piece of pieces) {
    if (filled === want) break;
    const take = Math.min(piece.length, want - filled);
    head.set(piece.subarray(0, take), filled);
    filled += take;
  }
  return excerptOf(head.subarray(0, filled));
}

/** Cuts text to EXCERPT_MAX_CHARS without leaving half of a surrogate pair at the end. */
export function cutExcerpt(text: string): string {
  if (text.length <= EXCERPT_MAX_CHARS) return text;
  const last = text.charCodeAt(EXCERPT_MAX_CHARS - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? EXCERPT_MAX_CHARS - 1 : EXCERPT_MAX_CHARS;
  return text.slice(0, end);
}

export { FramingErrorCode };
