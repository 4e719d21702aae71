import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonStreamDecoder, looksLikeHttpRequest } from '../src/index.js';
import { cutAtFractions, cutFractions, decodeEveryWay, type Factory, msg, run, utf8 } from './helpers.js';

const stream =
  (maxValueBytes = 1024, maxDepth?: number): Factory =>
  (events) =>
    new JsonStreamDecoder({ maxValueBytes, maxDepth, ...events });

describe('JsonStreamDecoder', () => {
  it('decodes back-to-back values and values separated by whitespace', () => {
    expect(decodeEveryWay(stream(), utf8('{"a":1}{"b":2}'))).toEqual([msg({ a: 1 }), msg({ b: 2 })]);
    expect(decodeEveryWay(stream(), utf8('{"a":1}\n{"b":2}\r\n  \t[3]'))).toEqual([
      msg({ a: 1 }),
      msg({ b: 2 }),
      msg([3]),
    ]);
  });

  it('handles braces, escaped quotes and escaped backslashes inside strings', () => {
    const values = [
      { s: '{' },
      { s: '}' },
      { s: '"}{"' },
      { s: '\\' },
      { s: '\\"' },
      { s: 'a\\\\' },
      { k: ['[', ']'] },
    ];
    const input = utf8(values.map((v) => JSON.stringify(v)).join(''));
    expect(decodeEveryWay(stream(), input)).toEqual(values.map(msg));
  });

  it('decodes pretty-printed values spanning lines', () => {
    const value = { a: [1, 2, { b: 'c' }], d: 'x\ny' };
    const input = utf8(`${JSON.stringify(value, null, 2)}\n${JSON.stringify(value, null, 2)}`);
    expect(decodeEveryWay(stream(), input)).toEqual([msg(value), msg(value)]);
  });

  it('decodes multi-byte UTF-8 split across chunks', () => {
    const input = utf8('{"t":"世界"}{"e":"🎉👩‍👩‍👧"}');
    expect(decodeEveryWay(stream(), input)).toEqual([msg({ t: '世界' }), msg({ e: '🎉👩‍👩‍👧' })]);
  });

  it('reports a value the grammar accepts but JSON.parse rejects as INVALID_JSON and resumes after it', () => {
    // A raw control character in a string is the one error the scanner leaves to JSON.parse.
    const input = utf8('{"a":"x\ty"}{"b":2}');
    expect(decodeEveryWay(stream(), input)).toEqual([
      { kind: 'error', code: 'INVALID_JSON', fatal: false, excerpt: '{"a":"x\ty"}' },
      msg({ b: 2 }),
    ]);
  });

  it('skips the rest of the line after a mismatched bracket; a raw newline in a string ends the value', () => {
    // After `{"a":[1}` nothing says where the next value starts: `{"b":2}` on that line is skipped.
    const input = utf8('{"a":[1}{"b":2}\n{"c":"open\n{"d":4}');
    expect(decodeEveryWay(stream(), input)).toEqual([
      { kind: 'error', code: 'INVALID_JSON', fatal: false, excerpt: '{"a":[1}' },
      { kind: 'error', code: 'INVALID_JSON', fatal: false, excerpt: '{"c":"open' },
      msg({ d: 4 }),
    ]);
  });

  it('reports one INVALID_JSON per run of top-level text, with an excerpt', () => {
    const input = utf8('hello\n{"a":1}junk{"b":2}\n42 true\n');
    expect(decodeEveryWay(stream(), input)).toEqual([
      { kind: 'error', code: 'INVALID_JSON', fatal: false, excerpt: 'hello' },
      msg({ a: 1 }),
      { kind: 'error', code: 'INVALID_JSON', fatal: false, excerpt: 'junk' },
      msg({ b: 2 }),
      { kind: 'error', code: 'INVALID_JSON', fatal: false, excerpt: '42 true' },
    ]);
  });

  it('lets a server recognise an HTTP request line from the first error', () => {
    const events = decodeEveryWay(stream(), utf8('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    expect(events[0]).toEqual({
      kind: 'error',
      code: 'INVALID_JSON',
      fatal: false,
      excerpt: 'GET / HTTP/1.1\r',
    });
    expect(looksLikeHttpRequest((events[0] as { excerpt: string }).excerpt)).toBe(true);
    expect(events).toHaveLength(2);
  });

  it('reports invalid UTF-8 inside a value as non-fatal INVALID_UTF8', () => {
    const input = Buffer.concat([utf8('{"a":"'), Buffer.from([0xff]), utf8('"}{"ok":1}')]);
    expect(decodeEveryWay(stream(), input)).toMatchObject([
      { kind: 'error', code: 'INVALID_UTF8', fatal: false },
      msg({ ok: 1 }),
    ]);
  });

  it('rejects nesting deeper than maxDepth as non-fatal TOO_DEEP and continues', () => {
    const ok = `${'['.repeat(64)}${']'.repeat(64)}`;
    const deep = `{"a":${'['.repeat(64)}${']'.repeat(64)}}`;
    const events = decodeEveryWay(stream(4096), utf8(`${ok}${deep}{"s":"${'{'.repeat(80)}"}`));
    expect(events).toMatchObject([
      { kind: 'message' },
      { kind: 'error', code: 'TOO_DEEP', fatal: false },
      msg({ s: '{'.repeat(80) }),
    ]);
  });

  it('survives 100 000 nested brackets', () => {
    const events = run(stream(300_000), [utf8(`${'['.repeat(100_000)}${']'.repeat(100_000)}{"a":1}`)]);
    expect(events).toEqual([
      { kind: 'error', code: 'TOO_DEEP', fatal: false, excerpt: '['.repeat(128) },
      msg({ a: 1 }),
    ]);
  });

  it('accepts a value of exactly maxValueBytes and rejects one byte more as fatal FRAME_TOO_LARGE', () => {
    const exact = '{"a":"123"}'; // 11 bytes
    expect(decodeEveryWay(stream(11), utf8(exact + exact))).toEqual([msg({ a: '123' }), msg({ a: '123' })]);
    expect(decodeEveryWay(stream(10), utf8(`[1]${exact}[2]`))).toEqual([
      msg([1]),
      { kind: 'error', code: 'FRAME_TOO_LARGE', fatal: true, excerpt: '{"a":"123"' },
    ]);
  });

  it('fails as soon as a value passes the limit, without waiting for its end', () => {
    const events = run(stream(16), [utf8('{"a":"'), utf8('x'.repeat(20))], false);
    expect(events).toMatchObject([{ code: 'FRAME_TOO_LARGE', fatal: true }]);
  });

  it('bounds runs of non-JSON text by maxValueBytes too', () => {
    expect(decodeEveryWay(stream(5), utf8('hello\nworld!\n[1]'))).toEqual([
      { kind: 'error', code: 'INVALID_JSON', fatal: false, excerpt: 'hello' },
      { kind: 'error', code: 'FRAME_TOO_LARGE', fatal: true, excerpt: 'world' },
    ]);
  });

  it('reports TRUNCATED for a partial value at end(), INVALID_JSON for a trailing text run', () => {
    expect(run(stream(), [utf8('{"a":1}{"b":')])).toEqual([
      msg({ a: 1 }),
      { kind: 'error', code: 'TRUNCATED', fatal: true, excerpt: '{"b":' },
    ]);
    expect(run(stream(), [utf8('{"a":1} oops')])).toEqual([
      msg({ a: 1 }),
      { kind: 'error', code: 'INVALID_JSON', fatal: false, excerpt: 'oops' },
    ]);
    expect(run(stream(), [utf8('{"a":1}  \n ')])).toEqual([msg({ a: 1 })]);
  });

  it('stops at once when close() is called from a callback', () => {
    const seen: unknown[] = [];
    const decoder: JsonStreamDecoder = new JsonStreamDecoder({
      maxValueBytes: 100,
      onMessage: (v) => seen.push(v),
      onError: (e) => {
        seen.push(e.code);
        if (e.excerpt !== undefined && looksLikeHttpRequest(e.excerpt)) decoder.close();
      },
    });
    decoder.push(utf8('{"a":1}POST /x HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{"b":2}'));
    decoder.end();
    expect(seen).toEqual([{ a: 1 }, 'INVALID_JSON']);
    expect(decoder.buffered).toBe(0);
  });

  it('property: any split decodes the same as the whole input', () => {
    const piece = fc.oneof(
      fc
        .oneof(fc.object({ maxDepth: 3 }), fc.array(fc.jsonValue({ maxDepth: 2 })))
        .map((v) => JSON.stringify(v)),
      fc.constantFrom(' ', '\n', '\r\n', 'junk', 'GET / HTTP/1.1\r\n', '{"x":', '{]', '"str"', '}'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), cutFractions, (pieces, fractions) => {
        const input = utf8(pieces.join(''));
        const whole = run(stream(256, 4), [input]);
        expect(run(stream(256, 4), cutAtFractions(input, fractions))).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });

  it('property: values written back to back come out equal', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.object(), fc.array(fc.jsonValue())), { maxLength: 6 }),
        fc.constantFrom('', '\n', ' \r\n'),
        cutFractions,
        (values, sep, fractions) => {
          const input = utf8(values.map((v) => JSON.stringify(v)).join(sep));
          const out = run(stream(1 << 20, 1000), cutAtFractions(input, fractions));
          expect(out).toEqual(values.map((v) => msg(JSON.parse(JSON.stringify(v)))));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('JsonStreamDecoder on large input', () => {
  it('decodes thousands of values from one chunk and long strings with escapes', () => {
    const values = Array.from({ length: 5000 }, (_, i) => ({ i, s: `a\\"b${'x'.repeat(i % 50)}` }));
    const input = utf8(values.map((v) => JSON.stringify(v)).join(''));
    expect(run(stream(), [input])).toEqual(values.map(msg));
    const long = { s: `${'\\'.repeat(3001)}"${'y'.repeat(100_000)}` };
    const text = utf8(JSON.stringify(long));
    expect(run(stream(200_000), [text.subarray(0, 3001), text.subarray(3001)])).toEqual([msg(long)]);
  });
});
