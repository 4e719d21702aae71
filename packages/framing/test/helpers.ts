import fc from 'fast-check';
import type { DecoderEvents, FramingError, PushDecoder } from '../src/index.js';

/** One observable decoder event, in order. */
export type Event =
  | { kind: 'message'; value: unknown }
  | { kind: 'error'; code: string; fatal: boolean; excerpt: string | undefined };

/** Builds a decoder that records into `events`. */
export type Factory = (events: DecoderEvents<never>) => PushDecoder;

function toEvent(error: FramingError): Extract<Event, { kind: 'error' }> {
  return { kind: 'error', code: error.code, fatal: error.fatal, excerpt: error.excerpt };
}

/** What `run` does besides pushing: call end() (default yes), drop excerpts before comparing. */
export interface RunOptions {
  end?: boolean;
  ignoreExcerpts?: boolean;
}

/** Pushes the chunks in order, then end(); returns every event. Buffers become hex for comparison. */
export function run(
  factory: Factory,
  chunks: readonly Uint8Array[],
  opts: RunOptions | boolean = {},
): Event[] {
  const { end = true, ignoreExcerpts = false } = typeof opts === 'boolean' ? { end: opts } : opts;
  const events: Event[] = [];
  const decoder = factory({
    onMessage: (value: unknown) =>
      events.push({
        kind: 'message',
        value: Buffer.isBuffer(value) ? `hex:${value.toString('hex')}` : value,
      }),
    onError: (error) => {
      const event = toEvent(error);
      if (ignoreExcerpts) event.excerpt = undefined;
      events.push(event);
    },
  });
  for (const chunk of chunks) decoder.push(chunk);
  if (end) decoder.end();
  return events;
}

/** The input cut into single bytes. */
export function byteByByte(input: Uint8Array): Uint8Array[] {
  return Array.from(input, (b) => Uint8Array.of(b));
}

/** Every way of cutting the input in two (including empty halves). */
export function everySplit(input: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 0; i <= input.length; i++) out.push([input.subarray(0, i), input.subarray(i)]);
  return out;
}

/** Cuts the input at the given sorted offsets. */
export function cutAt(input: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const o of offsets) {
    out.push(input.subarray(prev, o));
    prev = o;
  }
  out.push(input.subarray(prev));
  return out;
}

/**
 * Asserts the decoder yields the same events for the input whole, byte by byte and cut at every
 * boundary, and returns those events.
 */
export function decodeEveryWay(factory: Factory, input: Uint8Array, opts: RunOptions = {}): Event[] {
  const whole = run(factory, [input], opts);
  const bytes = run(factory, byteByByte(input), opts);
  if (JSON.stringify(bytes) !== JSON.stringify(whole)) {
    throw new Error(`byte-by-byte differs:\n${JSON.stringify(bytes)}\nvs whole:\n${JSON.stringify(whole)}`);
  }
  for (const parts of everySplit(input)) {
    const split = run(factory, parts, opts);
    if (JSON.stringify(split) !== JSON.stringify(whole)) {
      throw new Error(
        `split at ${parts[0]!.length} differs:\n${JSON.stringify(split)}\nvs whole:\n${JSON.stringify(whole)}`,
      );
    }
  }
  return whole;
}

/** fast-check: cut points as fractions of the input length (see cutAtFractions). */
export const cutFractions: fc.Arbitrary<number[]> = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
  maxLength: 12,
});

/** Cuts the input at the given fractions of its length. */
export function cutAtFractions(input: Uint8Array, fractions: readonly number[]): Uint8Array[] {
  const offsets = fractions.map((f) => Math.floor(f * input.length)).sort((a, b) => a - b);
  return cutAt(input, offsets);
}

export const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

/** A message event. */
export const msg = (value: unknown): Event => ({ kind: 'message', value });
