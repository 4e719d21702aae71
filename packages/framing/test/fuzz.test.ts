/**
 * Fuzzing: random bytes and random mixes of valid and broken input, cut at random points, through
 * every decoder. Invariants: nothing throws, the events do not depend on the cuts, nothing follows a
 * fatal error, and no decoder ever holds more than its limit.
 */
import fc from 'fast-check';
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
import { cutAtFractions, cutFractions, type Event, type Factory, run, utf8 } from './helpers.js';

const LIMIT = 48;

const decoders: Array<{ name: string; factory: Factory; maxHeld: number; ignoreExcerpts?: boolean }> = [
  { name: 'LineDecoder', factory: (e) => new LineDecoder({ maxLineBytes: LIMIT, ...e }), maxHeld: LIMIT + 1 },
  {
    name: 'NdjsonDecoder',
    factory: (e) => new NdjsonDecoder({ maxLineBytes: LIMIT, maxDepth: 3, ...e }),
    maxHeld: LIMIT + 1,
  },
  {
    name: 'LengthPrefixedDecoder',
    factory: (e) => new LengthPrefixedDecoder({ maxFrameBytes: LIMIT, ...e }),
    maxHeld: LIMIT + 3,
    ignoreExcerpts: true,
  },
  {
    name: 'JsonStreamDecoder',
    factory: (e) => new JsonStreamDecoder({ maxValueBytes: LIMIT, maxDepth: 3, ...e }),
    maxHeld: LIMIT,
  },
];

/** Bytes that exercise every state: structure, strings, escapes, newlines, UTF-8 (valid and not). */
const soupByte = fc.oneof(
  fc.constantFrom(...Array.from('{}[]":,\\ \n\r\tax0', (c) => c.charCodeAt(0))),
  fc.constantFrom(0x00, 0x80, 0xc3, 0xa9, 0xe4, 0xb8, 0x96, 0xf0, 0x9f, 0x8e, 0x89, 0xff),
);
const soup = fc.array(soupByte, { maxLength: 200 }).map((bytes) => Uint8Array.from(bytes));

/** Valid messages in each format mixed with broken pieces. */
const mixed = fc
  .array(
    fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => utf8(`${JSON.stringify(v)}\n`)),
      fc.jsonValue({ maxDepth: 4 }).map((v) => encodeLengthPrefixed(JSON.stringify(v) ?? 'null')),
      fc.constantFrom(
        utf8('\r\n'),
        utf8('GET / HTTP/1.1\r\n'),
        utf8('{"a":"\\"}{'),
        Uint8Array.of(0, 0, 0, 0),
      ),
      soup,
    ),
    { maxLength: 8 },
  )
  .map((pieces) => Buffer.concat(pieces));

function checkInvariants(factory: Factory, maxHeld: number, chunks: readonly Uint8Array[]): void {
  let fatal = false;
  let decoder: PushDecoder | undefined;
  const events: DecoderEvents<never> = {
    onMessage: () => {
      expect(fatal).toBe(false);
    },
    onError: (error) => {
      expect(fatal).toBe(false);
      expect(error.excerpt === undefined || error.excerpt.length <= 128).toBe(true);
      if (error.fatal) fatal = true;
    },
  };
  decoder = factory(events);
  for (const chunk of chunks) {
    decoder.push(chunk);
    expect(decoder.buffered).toBeLessThanOrEqual(maxHeld);
  }
  decoder.end();
  expect(decoder.buffered).toBe(0);
}

describe.each(decoders)('fuzz $name', ({ factory, maxHeld, ignoreExcerpts }) => {
  for (const [label, input] of [
    ['random bytes', soup],
    ['mixed valid and broken input', mixed],
  ] as const) {
    it(`${label}: same events for any cuts, nothing after a fatal error, bounded buffer`, () => {
      fc.assert(
        fc.property(input, cutFractions, (bytes, fractions) => {
          const whole: Event[] = run(factory, [bytes], { ignoreExcerpts: ignoreExcerpts ?? false });
          const chunks = cutAtFractions(bytes, fractions);
          expect(run(factory, chunks, { ignoreExcerpts: ignoreExcerpts ?? false })).toEqual(whole);
          checkInvariants(factory, maxHeld, chunks);
        }),
        { numRuns: 400 },
      );
    });
  }
});

describe('NdjsonDecoder against a reference model', () => {
  it('matches split/strip/skip/parse for inputs within the limits', () => {
    const line = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      fc.constantFrom('', ' ', '\t', 'nope', '{', '"\u00e9\u4e16\ud83c\udf89"', '[[[[[1]]]]]'),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(line, fc.boolean()), { maxLength: 10 }),
        cutFractions,
        (lines, fractions) => {
          const text = lines.map(([l, crlf]) => `${l}${crlf ? '\r\n' : '\n'}`).join('');
          const expected: unknown[] = [];
          for (const [l] of lines) {
            if (l.trim() === '') continue;
            if (/^\[\[\[\[/.test(l)) {
              expected.push('TOO_DEEP');
              continue;
            }
            try {
              expected.push({ value: JSON.parse(l) });
            } catch {
              expected.push('INVALID_JSON');
            }
          }
          const got: unknown[] = [];
          const decoder = new NdjsonDecoder({
            maxLineBytes: 1 << 16,
            maxDepth: 3,
            onMessage: (value) => got.push({ value }),
            onError: (error) => got.push(error.code),
          });
          for (const chunk of cutAtFractions(utf8(text), fractions)) decoder.push(chunk);
          decoder.end();
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
