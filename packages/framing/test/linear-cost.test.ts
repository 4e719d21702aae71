/**
 * "Cost linear in bytes": a large message fed in many small chunks must not be re-copied, re-scanned
 * or re-decoded once per chunk (the classic `held = Buffer.concat([held, chunk])` decoder is quadratic).
 * No clocks: the native operations the decoders are built on are wrapped and the bytes they touch are
 * counted. A linear decoder touches each input byte a small constant number of times; a quadratic one
 * touches about (input / chunk size) / 2 times more — here thousands of times more.
 */
import { describe, expect, it } from 'vitest';
import {
  type DecoderEvents,
  encodeLengthPrefixed,
  JsonStreamDecoder,
  LengthPrefixedDecoder,
  LineDecoder,
  NdjsonDecoder,
  type PushDecoder,
} from '../src/index.js';
import { utf8 } from './helpers.js';

const CHUNK = 64;
/** Bytes touched per input byte that still counts as linear (copy once, join once, scan, decode). */
const WORK_PER_BYTE = 8;

type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Replaces `target[key]` with a wrapper that adds `cost(self, args, result)` to the counter; returns
 * the function that puts the original back.
 */
function meter(
  target: object,
  key: string,
  cost: (self: unknown, args: unknown[], result: unknown) => number,
  counter: { work: number },
): () => void {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  const original = Reflect.get(target, key) as Method;
  const wrapper: Method = function (this: unknown, ...args: unknown[]): unknown {
    const result = Reflect.apply(original, this, args);
    counter.work += cost(this, args, result);
    return result;
  };
  Object.defineProperty(target, key, { value: wrapper, writable: true, configurable: true });
  return () => {
    if (descriptor === undefined) Reflect.deleteProperty(target, key);
    else Object.defineProperty(target, key, descriptor);
  };
}

const byteLength = (value: unknown): number =>
  ArrayBuffer.isView(value) ? value.byteLength : typeof value === 'string' ? value.length : 0;

/** Counts the bytes copied, joined, searched, decoded and parsed while `fn` runs. */
function countWork(fn: () => void): number {
  const counter = { work: 0 };
  const restore = [
    meter(Buffer, 'concat', (_self, _args, out) => byteLength(out), counter),
    // Buffer.from(uint8array) copies; Buffer.from(arrayBuffer, offset, length) is a view (free).
    meter(
      Buffer,
      'from',
      (_self, args, out) => (args[0] instanceof Uint8Array ? byteLength(out) : 0),
      counter,
    ),
    meter(Uint8Array.prototype, 'set', (_self, args) => byteLength(args[0]), counter),
    meter(
      Buffer.prototype,
      'indexOf',
      (self, args, at) => {
        const start = typeof args[1] === 'number' ? args[1] : 0;
        return (at === -1 ? byteLength(self) : Number(at) + 1) - start;
      },
      counter,
    ),
    meter(TextDecoder.prototype, 'decode', (_self, args) => byteLength(args[0]), counter),
    meter(JSON, 'parse', (_self, args) => byteLength(args[0]), counter),
  ];
  try {
    fn();
  } finally {
    for (const undo of restore) undo();
  }
  return counter.work;
}

/** Pushes `input` in CHUNK-byte pieces and returns the messages, failing on any error. */
function feed(
  build: (events: DecoderEvents<never>) => PushDecoder,
  input: Uint8Array,
  chunk = CHUNK,
): unknown[] {
  const messages: unknown[] = [];
  const decoder = build({
    onMessage: (value: unknown) => messages.push(value),
    onError: (error) => {
      throw error;
    },
  });
  for (let i = 0; i < input.length; i += chunk) decoder.push(input.subarray(i, i + chunk));
  decoder.end();
  return messages;
}

const SIZE = 512 * 1024;
/** A long JSON string with escapes, brackets and multi-byte characters split across chunks. */
const longText = `${'a\\"{[é世🎉 '.repeat(SIZE / 32)}`;

describe.each([
  {
    name: 'LineDecoder',
    input: utf8(`${'x'.repeat(SIZE)}\n`),
    build: (e: DecoderEvents<never>) => new LineDecoder({ maxLineBytes: 2 * SIZE, ...e }),
    check: (out: unknown[]) => expect((out[0] as string).length).toBe(SIZE),
  },
  {
    name: 'NdjsonDecoder',
    input: utf8(`{"s":"${longText}"}\r\n`),
    build: (e: DecoderEvents<never>) => new NdjsonDecoder({ maxLineBytes: 2 * SIZE, ...e }),
    check: (out: unknown[]) => expect(out).toEqual([{ s: JSON.parse(`"${longText}"`) }]),
  },
  {
    name: 'LengthPrefixedDecoder',
    input: encodeLengthPrefixed(Buffer.alloc(SIZE, 0x61)),
    build: (e: DecoderEvents<never>) => new LengthPrefixedDecoder({ maxFrameBytes: SIZE, ...e }),
    check: (out: unknown[]) => expect((out[0] as Buffer).length).toBe(SIZE),
  },
  {
    name: 'JsonStreamDecoder',
    input: utf8(`{"s":"${longText}","n":[[{"k":[1]}]]}`),
    build: (e: DecoderEvents<never>) => new JsonStreamDecoder({ maxValueBytes: 2 * SIZE, ...e }),
    check: (out: unknown[]) => expect(out).toHaveLength(1),
  },
])('$name', ({ input, build, check }) => {
  it(`decodes a ${SIZE / 1024} KiB message pushed in ${CHUNK}-byte chunks with work linear in its size`, () => {
    let out: unknown[] = [];
    const work = countWork(() => {
      out = feed(build, input);
    });
    check(out);
    // Quadratic re-copying would be ~ input.length * (input.length / CHUNK) / 2: ~4000x the input.
    expect(work).toBeGreaterThan(0);
    expect(work).toBeLessThanOrEqual(WORK_PER_BYTE * input.length);
  });
});

describe('many messages in one stream', () => {
  // Back to back with no newline, so nothing bounds a search for the next quote, backslash or
  // newline but the chunk itself: re-searching per string would be quadratic in one big chunk.
  const values = Array.from({ length: 4000 }, (_, i) => ({ i, s: `"x${'y'.repeat(i % 90)}` }));
  const input = utf8(values.map((v) => JSON.stringify(v)).join(''));

  it.each([
    ['split over 64-byte chunks', CHUNK],
    ['in one chunk', input.length],
  ])('JsonStreamDecoder: thousands of small values %s stay linear', (_label, chunk) => {
    let out: unknown[] = [];
    const work = countWork(() => {
      out = feed((e) => new JsonStreamDecoder({ maxValueBytes: 1024, ...e }), input, chunk);
    });
    expect(out).toEqual(values);
    expect(work).toBeLessThanOrEqual(WORK_PER_BYTE * input.length);
  });
});
