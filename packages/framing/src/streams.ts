import { Transform, type TransformCallback } from 'node:stream';
import type { DecoderEvents, PushDecoder } from './decoder.js';
import { encodeLengthPrefixed, encodeLengthPrefixedJson, encodeNdjson } from './encoders.js';
import type { FramingError } from './framing-error.js';
import { JsonStreamDecoder, type JsonStreamDecoderOptions } from './json-stream-decoder.js';
import { LengthPrefixedDecoder, type LengthPrefixedDecoderOptions } from './length-prefixed-decoder.js';
import { NdjsonDecoder, type NdjsonDecoderOptions } from './ndjson-decoder.js';

type Limits<O> = Omit<O, keyof DecoderEvents<unknown>>;

/**
 * A Transform from bytes to decoded messages (object mode on the readable side). A fatal
 * FramingError (including TRUNCATED at end of input) destroys the stream with 'error'; a non-fatal
 * one is emitted as a 'framing-error' event and decoding goes on. Object-mode streams cannot carry
 * `null` (it means end of stream), so a message that is JSON `null` is emitted as 'null-message'.
 */
abstract class DecodeStream<T> extends Transform {
  private readonly decoder: PushDecoder;
  private fatal: FramingError | null = null;

  protected constructor(create: (events: DecoderEvents<T>) => PushDecoder) {
    super({ readableObjectMode: true });
    this.decoder = create({
      onMessage: (value) => {
        if (value === null) this.emit('null-message');
        else this.push(value);
      },
      onError: (error) => {
        if (error.fatal) this.fatal ??= error;
        else this.emit('framing-error', error);
      },
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.feed(() => this.decoder.push(chunk), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.feed(() => this.decoder.end(), callback);
  }

  /** Runs the decoder; a fatal error, or an exception from a listener, destroys the stream. */
  private feed(step: () => void, callback: TransformCallback): void {
    try {
      step();
    } catch (err) {
      callback(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    callback(this.fatal);
  }
}

/** NDJSON bytes in, parsed values out (see DecodeStream for errors). */
export class NdjsonDecodeStream extends DecodeStream<unknown> {
  constructor(opts: Limits<NdjsonDecoderOptions>) {
    super((events) => new NdjsonDecoder({ ...opts, ...events }));
  }
}

/** Length-prefixed bytes in, payload Buffers out (see DecodeStream for errors). */
export class LengthPrefixedDecodeStream extends DecodeStream<Buffer> {
  constructor(opts: Limits<LengthPrefixedDecoderOptions>) {
    super((events) => new LengthPrefixedDecoder({ ...opts, ...events }));
  }
}

/** Concatenated JSON bytes in, parsed values out (see DecodeStream for errors). */
export class JsonStreamDecodeStream extends DecodeStream<unknown> {
  constructor(opts: Limits<JsonStreamDecoderOptions>) {
    super((events) => new JsonStreamDecoder({ ...opts, ...events }));
  }
}

/** Values in (object mode), NDJSON bytes out; a value JSON cannot encode fails the write. */
export class NdjsonEncodeStream extends Transform {
  constructor() {
    super({ writableObjectMode: true });
  }

  override _transform(value: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      callback(null, encodeNdjson(value));
    } catch (err) {
      callback(err as Error);
    }
  }
}

/**
 * Payloads in (object mode: each write is one frame), length-prefixed bytes out. Payloads are
 * Buffers/Uint8Arrays or strings (UTF-8); with `{ json: true }` every written value is sent as JSON.
 */
export class LengthPrefixedEncodeStream extends Transform {
  private readonly json: boolean;

  constructor(opts: { json?: boolean } = {}) {
    super({ writableObjectMode: true });
    this.json = opts.json ?? false;
  }

  override _transform(payload: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      if (this.json) callback(null, encodeLengthPrefixedJson(payload));
      else if (typeof payload === 'string' || payload instanceof Uint8Array) {
        callback(null, encodeLengthPrefixed(payload));
      } else callback(new TypeError('LengthPrefixedEncodeStream payloads must be strings or Uint8Arrays'));
    } catch (err) {
      callback(err as Error);
    }
  }
}
