import { FramingErrorCode } from '@sockworks/error-codes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FramingError,
  findNonFiniteNumber,
  hasNonFiniteNumber,
  NdjsonDecoder,
  parseJsonPayload,
} from '../src/index.js';
import { decodeEveryWay, type Factory, msg } from './helpers.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return FramingError.is(err) ? err.code : 'other';
  }
}

describe('non-finite numbers', () => {
  it.each([
    '1e400',
    '-1e400',
    '1E+400',
    '[1,2,[3,{"a":1e999}]]',
    '{"a":{"b":[-1e309]}}',
    `{"n":${'9'.repeat(400)}}`,
    `[-${'9'.repeat(309)}.5]`,
  ])('parseJsonPayload(%s) throws NON_FINITE_NUMBER', (text) => {
    expect(codeOf(() => parseJsonPayload(bytes(text)))).toBe(FramingErrorCode.NON_FINITE_NUMBER);
  });

  it.each([
    '1e308',
    '-1.7976931348623157e308',
    '1e-400',
    '"1e400"',
    '{"1e400":"x"}',
    `"${'9'.repeat(400)}"`,
    `{"n":${'9'.repeat(300)}}`,
    '{"type":"echo","content":"plain"}',
  ])('parseJsonPayload(%s) parses', (text) => {
    expect(parseJsonPayload(bytes(text))).toEqual(JSON.parse(text));
  });

  it('the NDJSON decoder answers a 1e400 line with a non-fatal error and goes on, at every split', () => {
    const factory: Factory = (events) => new NdjsonDecoder({ maxLineBytes: 1024, ...events });
    const events = decodeEveryWay(factory, bytes('{"a":1e400}\n{"a":1e3}\n'), { ignoreExcerpts: true });
    expect(events).toEqual([
      { kind: 'error', code: FramingErrorCode.NON_FINITE_NUMBER, fatal: false, excerpt: undefined },
      msg({ a: 1000 }),
    ]);
  });

  it('finds ±Infinity next to any JSON value, and nothing in any value JSON.stringify wrote', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 309, max: 2000 }), fc.boolean(), (value, exp, neg) => {
        const text = `[${JSON.stringify(value)},${neg ? '-' : ''}1e${exp}]`;
        const parsed: unknown = JSON.parse(text);
        expect(findNonFiniteNumber(parsed)).toBe(neg ? -Infinity : Infinity);
        expect(hasNonFiniteNumber(parsed)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(hasNonFiniteNumber(JSON.parse(text))).toBe(false);
      }),
    );
  });

  it('guardCycles visits shared and cyclic references once', () => {
    const cyclic: unknown[] = [1];
    cyclic.push(cyclic, { again: cyclic });
    expect(findNonFiniteNumber(cyclic, true)).toBeUndefined();
    cyclic.push(Number.NEGATIVE_INFINITY);
    expect(findNonFiniteNumber(cyclic, true)).toBe(Number.NEGATIVE_INFINITY);
  });
});
