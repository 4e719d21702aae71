import {
  DEFAULT_MAX_DEPTH,
  type DecoderEvents,
  encodeNdjson,
  forwardEvents,
  JsonStreamDecoder,
} from '@sockworks/framing';

/** Size limits of the request codec. */
export interface CodecLimits {
  /** Largest request (one JSON value) in bytes; larger is fatal: one error, then close. @default 8192 */
  maxRequestBytes: number;
  /** Deepest accepted JSON nesting. @default 64 */
  maxDepth: number;
}

/** The chat protocol's codec limits (RELIABILITY.md: chat request 8 KiB, depth 64). */
export const DEFAULT_CODEC_LIMITS: Readonly<CodecLimits> = {
  maxRequestBytes: 8 * 1024,
  maxDepth: DEFAULT_MAX_DEPTH,
};

/**
 * A push decoder for requests: concatenated JSON objects with or without whitespace or newlines
 * between them (`{"method":...}{"method":...}` as the spec's Python client sends, or one per line).
 */
export function createRequestDecoder(limits: CodecLimits, events: DecoderEvents<unknown>): JsonStreamDecoder {
  return new JsonStreamDecoder(
    forwardEvents({ maxValueBytes: limits.maxRequestBytes, maxDepth: limits.maxDepth }, events),
  );
}

/** Encodes one outgoing message: compact JSON followed by `\n`. */
export function encodeMessage(value: unknown): Buffer {
  return encodeNdjson(value);
}
