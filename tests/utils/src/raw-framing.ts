/**
 * How a raw test client cuts what it receives into messages. Each adapter wraps one of
 * @sockworks/framing's push decoders, so a test client splits bytes exactly as the services do (UTF-8
 * and frames split across chunks included) and no test keeps a hand-written parser.
 */
import {
  type DecoderEvents,
  JsonStreamDecoder,
  LengthPrefixedDecoder,
  LineDecoder,
  NdjsonDecoder,
  parseJsonPayload,
} from '@sockworks/framing';

/** Where a decoder reports: one call per message, in stream order, or an error for bytes that do not decode. */
export interface RawSink<T> {
  message(value: T): void;
  error(error: Error): void;
}

/** The part of a push decoder a raw client uses. */
export interface RawDecoder {
  push(chunk: Buffer): void;
}

/** A way to cut a byte stream into messages of type T. */
export interface RawFraming<T> {
  /** Names the framing in error messages ("newline-delimited JSON"). */
  readonly name: string;
  /** A fresh decoder for one connection. */
  decoder(sink: RawSink<T>): RawDecoder;
}

/**
 * Largest message (line, frame, JSON value) the adapters accept: far above anything a test sends,
 * so a limit is hit only by a server that never ends a message.
 */
export const RAW_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Nesting the JSON adapters accept: tests echo deep values on purpose, the client must not refuse them. */
const RAW_MAX_DEPTH = 100_000;

/** A framing over one of @sockworks/framing's push decoders; `create` gets the callbacks to give it. */
function decoded<T>(name: string, create: (events: DecoderEvents<T>) => RawDecoder): RawFraming<T> {
  return {
    name,
    decoder: (sink) =>
      create({ onMessage: (value) => sink.message(value), onError: (error) => sink.error(error) }),
  };
}

/** The framing `base` with every message passed through `convert` (which may throw to report bad input). */
function map<A, B>(base: RawFraming<A>, convert: (value: A) => B, name = base.name): RawFraming<B> {
  return {
    name,
    decoder: (sink) =>
      base.decoder({
        message: (value) => {
          let converted: B;
          try {
            converted = convert(value);
          } catch (error) {
            sink.error(error as Error);
            return;
          }
          sink.message(converted);
        },
        error: (error) => sink.error(error),
      }),
  };
}

/** Each chunk as it arrives: no framing (HTTP, or a test that reads `received()` only). */
function bytes(): RawFraming<Buffer> {
  return { name: 'raw bytes', decoder: (sink) => ({ push: (chunk) => sink.message(chunk) }) };
}

/** `\n`-terminated UTF-8 lines (a `\r` before the `\n` dropped), without the terminator. */
function lines(): RawFraming<string> {
  return decoded(
    'text lines',
    (events) => new LineDecoder({ maxLineBytes: RAW_MAX_MESSAGE_BYTES, ...events }),
  );
}

/** One JSON value per line; blank lines skipped. */
function ndjson(): RawFraming<unknown> {
  return decoded(
    'newline-delimited JSON',
    (events) =>
      new NdjsonDecoder({ maxLineBytes: RAW_MAX_MESSAGE_BYTES, maxDepth: RAW_MAX_DEPTH, ...events }),
  );
}

/**
 * One JSON value per line, each exactly as `JSON.stringify` writes it (no spaces, no `\r`): what a
 * server that promises compact NDJSON must send. Anything else is an error.
 */
function compactNdjson(): RawFraming<unknown> {
  const checked = map(
    lines(),
    (line) => {
      const value: unknown = JSON.parse(line);
      if (JSON.stringify(value) !== line) throw new Error(`not compact JSON: ${line.slice(0, 200)}`);
      return value;
    },
    'compact newline-delimited JSON',
  );
  return {
    name: checked.name,
    decoder: (sink) => {
      const lineDecoder = checked.decoder(sink);
      return {
        push(chunk) {
          // The line decoder drops the `\r` of a `\r\n`; compact JSON never holds a raw CR byte.
          if (chunk.includes(0x0d)) sink.error(new Error('a CR byte: compact JSON lines end in a bare \\n'));
          lineDecoder.push(chunk);
        },
      };
    },
  };
}

/** Concatenated JSON values, with or without whitespace between them (a Python `raw_decode` loop). */
function jsonStream(): RawFraming<unknown> {
  return decoded(
    'concatenated JSON',
    (events) =>
      new JsonStreamDecoder({ maxValueBytes: RAW_MAX_MESSAGE_BYTES, maxDepth: RAW_MAX_DEPTH, ...events }),
  );
}

/** Payloads of 4-byte big-endian length-prefixed frames, copied (the decoder hands out views). */
function lengthPrefixed(): RawFraming<Buffer> {
  return map(
    decoded<Buffer>(
      'length-prefixed frames',
      (events) => new LengthPrefixedDecoder({ maxFrameBytes: RAW_MAX_MESSAGE_BYTES, ...events }),
    ),
    (payload) => Buffer.from(payload),
  );
}

/** Length-prefixed frames whose payloads are UTF-8 JSON. */
function lengthPrefixedJson(): RawFraming<unknown> {
  return map(
    lengthPrefixed(),
    (payload) => parseJsonPayload(payload, { maxDepth: RAW_MAX_DEPTH }),
    'length-prefixed JSON frames',
  );
}

/** The framings a raw test client understands (see {@link RawFraming}). */
export const framings = {
  bytes,
  lines,
  ndjson,
  compactNdjson,
  jsonStream,
  lengthPrefixed,
  lengthPrefixedJson,
  map,
} as const;
