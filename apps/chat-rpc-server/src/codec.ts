import {
  DEFAULT_MAX_DEPTH,
  type DecoderEvents,
  encodeNdjson,
  type FramingError,
  JsonStreamDecoder,
  type JsonStreamDecoderOptions,
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
  return new JsonStreamDecoder(new RequestDecoderOptions(limits, events));
}

/**
 * The decoder's options: the limits plus forwarding methods, so `events` may be a class instance
 * (its methods are not own properties) and no closures are allocated per connection.
 */
class RequestDecoderOptions implements JsonStreamDecoderOptions {
  readonly maxValueBytes: number;
  readonly maxDepth: number;
  readonly #events: DecoderEvents<unknown>;

  constructor(limits: CodecLimits, events: DecoderEvents<unknown>) {
    this.maxValueBytes = limits.maxRequestBytes;
    this.maxDepth = limits.maxDepth;
    this.#events = events;
  }

  onMessage(value: unknown): void {
    this.#events.onMessage(value);
  }

  onError(error: FramingError): void {
    this.#events.onError(error);
  }
}

/** Encodes one outgoing message: compact JSON followed by `\n`. */
export function encodeMessage(value: unknown): Buffer {
  return encodeNdjson(value);
}
