import type { FramingError } from './framing-error.js';

/** Callbacks a push decoder calls synchronously, in stream order, from `push()` and `end()`. */
export interface DecoderEvents<T> {
  /** One complete message. */
  onMessage(value: T): void;
  /** A decoding error; after a fatal one the decoder ignores further input. */
  onError(error: FramingError): void;
}

/** Forwards a decoder's callbacks to a sink's methods (see {@link forwardEvents}). */
class EventForwarder<T> implements DecoderEvents<T> {
  readonly #sink: DecoderEvents<T>;

  constructor(sink: DecoderEvents<T>) {
    this.#sink = sink;
  }

  onMessage(value: T): void {
    this.#sink.onMessage(value);
  }

  onError(error: FramingError): void {
    this.#sink.onError(error);
  }
}

/**
 * Decoder options made of `limits` plus callbacks that call `sink.onMessage` / `sink.onError`.
 * Lets a class instance (a connection, whose methods live on its prototype and would be lost by a
 * spread) receive a decoder's events without allocating a closure per callback:
 * `new NdjsonDecoder(forwardEvents({ maxLineBytes, maxDepth }, this))`.
 */
export function forwardEvents<L extends object, T>(limits: L, sink: DecoderEvents<T>): L & DecoderEvents<T> {
  return Object.assign(new EventForwarder(sink), limits);
}

/** The shape every push decoder of this package has. */
export interface PushDecoder {
  /** Feeds bytes; complete messages and errors are reported through the callbacks before it returns. */
  push(chunk: Uint8Array): void;
  /** Signals end of input; a partial message left over is reported as a TRUNCATED error. */
  end(): void;
  /** Stops decoding at once (safe inside a callback): held bytes are dropped and input is ignored. */
  close(): void;
  /** Bytes of input held for a message that is not complete yet. */
  readonly buffered: number;
}

/** Turns a pushed chunk into a Buffer view without copying. */
export function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Throws a RangeError naming the option unless `value` is a positive safe integer. */
export function checkPositiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** The error for push()/end() called from inside a decoder callback, where the order would be lost. */
export function reentryError(method: 'push' | 'end'): Error {
  return new Error(`${method}() called from a decoder callback; call close() there, or defer the call`);
}
