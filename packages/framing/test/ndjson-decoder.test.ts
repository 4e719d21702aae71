import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FramingError, NdjsonDecoder } from '../src/index.js';
import {
  cutAt,
  cutAtFractions,
  cutFractions,
  decodeEveryWay,
  type Factory,
  msg,
  run,
  utf8,
} from './helpers.js';

const ndjson =
  (maxLineBytes = 1024, maxDepth?: number): Factory =>
  (events) =>
    new NdjsonDecoder({ maxLineBytes, maxDepth, ...events });

describe('NdjsonDecoder', () => {
  it('decodes several lines whole, byte by byte and split at every boundary', () => {
    const input = utf8('{"a":1}\n[1,2]\n"s"\n42\nnull\n');
    expect(decodeEveryWay(ndjson(), input)).toEqual([
      msg({ a: 1 }),
      msg([1, 2]),
      msg('s'),
      msg(42),
      msg(null),
    ]);
  });

  it('tolerates CRLF and skips blank and whitespace-only lines', () => {
    const input = utf8('\n{"a":1}\r\n\r\n   \n\t\r\n{"b":2}\n');
    expect(decodeEveryWay(ndjson(), input)).toEqual([msg({ a: 1 }), msg({ b: 2 })]);
  });

  it('decodes multi-byte UTF-8 split across chunks', () => {
    const input = utf8('{"t":"héllo 世界 🎉"}\n{"e":"👩‍👩‍👧"}\n');
    expect(decodeEveryWay(ndjson(), input)).toEqual([msg({ t: 'héllo 世界 🎉' }), msg({ e: '👩‍👩‍👧' })]);
  });

  it('decodes a chunk of many lines the same as line by line, when some are not ASCII or not UTF-8', () => {
    // Lines of one chunk are decoded from UTF-8 in one go while they are ASCII: a run with a
    // multi-byte character or an invalid byte must still give every line's own value or error.
    const ascii = Array.from({ length: 20 }, (_, i) => `{"command":"store","data":{"key":"k${i}"}}`);
    const input = Buffer.concat([
      utf8(`${ascii.slice(0, 10).join('\n')}\n{"t":"héllo"}\r\n`),
      utf8('{"a":"'),
      Buffer.from([0xff]),
      utf8(`"}\nnot json\n${ascii.slice(10).join('\r\n')}\n[[[[1]]]]\n`),
    ]);
    const lineByLine = run(
      ndjson(1024, 3),
      cutAt(
        input,
        [...input.keys()].filter((i) => input[i - 1] === 0x0a),
      ),
    );
    expect(run(ndjson(1024, 3), [input])).toEqual(lineByLine);
    expect(lineByLine.map((e) => (e.kind === 'message' ? 'message' : e.code))).toEqual([
      ...Array(10).fill('message'),
      'message',
      'INVALID_UTF8',
      'INVALID_JSON',
      ...Array(10).fill('message'),
      'TOO_DEEP',
    ]);
  });

  it('reports invalid JSON as non-fatal with an excerpt and keeps decoding', () => {
    const input = utf8('{"a":1}\nhello world\n{"b":2}\n');
    expect(decodeEveryWay(ndjson(), input)).toEqual([
      msg({ a: 1 }),
      { kind: 'error', code: 'INVALID_JSON', fatal: false, excerpt: 'hello world' },
      msg({ b: 2 }),
    ]);
  });

  it('reports invalid UTF-8 as non-fatal INVALID_UTF8, never U+FFFD', () => {
    const input = Buffer.concat([utf8('{"a":"'), Buffer.from([0xc3, 0x28]), utf8('"}\n{"ok":true}\n')]);
    const events = decodeEveryWay(ndjson(), input);
    expect(events).toMatchObject([{ kind: 'error', code: 'INVALID_UTF8', fatal: false }, msg({ ok: true })]);
  });

  it('rejects an over-long line as fatal FRAME_TOO_LARGE and stops', () => {
    const input = utf8('{"a":1}\n"0123456789"\n{"b":2}\n');
    expect(decodeEveryWay(ndjson(10), input)).toEqual([
      msg({ a: 1 }),
      { kind: 'error', code: 'FRAME_TOO_LARGE', fatal: true, excerpt: '"012345678' },
    ]);
  });

  it('accepts a line of exactly maxLineBytes, with LF or CRLF', () => {
    const line = '"12345678"'; // 10 bytes
    expect(decodeEveryWay(ndjson(10), utf8(`${line}\n${line}\r\n`))).toEqual([
      msg('12345678'),
      msg('12345678'),
    ]);
    expect(decodeEveryWay(ndjson(9), utf8(`${line}\r\n`))).toMatchObject([{ code: 'FRAME_TOO_LARGE' }]);
  });

  it('fails as soon as the limit is passed, without waiting for the newline', () => {
    const events = run(ndjson(16), [utf8('x'.repeat(10)), utf8('y'.repeat(10))], false);
    expect(events).toMatchObject([{ code: 'FRAME_TOO_LARGE', fatal: true }]);
  });

  it('holds at most maxLineBytes + 1 bytes', () => {
    const decoder = new NdjsonDecoder({ maxLineBytes: 8, onMessage: () => {}, onError: () => {} });
    decoder.push(utf8('12345678\r'));
    expect(decoder.buffered).toBe(9);
    decoder.push(utf8('\n'));
    expect(decoder.buffered).toBe(0);
  });

  it('reports TRUNCATED on end() with a partial line, but not for trailing whitespace', () => {
    expect(run(ndjson(), [utf8('{"a":1}\n{"b":')])).toEqual([
      msg({ a: 1 }),
      { kind: 'error', code: 'TRUNCATED', fatal: true, excerpt: '{"b":' },
    ]);
    expect(run(ndjson(), [utf8('{"a":1}\n  \r')])).toEqual([msg({ a: 1 })]);
  });

  it('rejects nesting deeper than maxDepth as non-fatal TOO_DEEP (brackets in strings do not count)', () => {
    const ok = `${'['.repeat(64)}${']'.repeat(64)}`;
    const deep = `${'['.repeat(65)}${']'.repeat(65)}`;
    const strings = `{"s":"${'['.repeat(100)}"}`;
    const events = decodeEveryWay(ndjson(4096), utf8(`${ok}\n${deep}\n${strings}\n`));
    expect(events).toMatchObject([
      { kind: 'message' },
      { kind: 'error', code: 'TOO_DEEP', fatal: false },
      msg({ s: '['.repeat(100) }),
    ]);
    expect(run(ndjson(4096, 3), [utf8('[[[1]]]\n[[[[1]]]]\n')])).toMatchObject([
      msg([[[1]]]),
      { code: 'TOO_DEEP' },
    ]);
  });

  it('survives 100 000 nested brackets without a stack overflow', () => {
    const events = run(ndjson(300_000), [utf8(`${'['.repeat(100_000)}${']'.repeat(100_000)}\n`)]);
    expect(events).toMatchObject([{ code: 'TOO_DEEP', fatal: false }]);
  });

  it('ignores input after a fatal error and after end()', () => {
    const events: unknown[] = [];
    const decoder = new NdjsonDecoder({
      maxLineBytes: 4,
      onMessage: (v) => events.push(v),
      onError: (e) => events.push(e.code),
    });
    decoder.push(utf8('123456'));
    decoder.push(utf8('\n{}\n'));
    decoder.end();
    expect(events).toEqual(['FRAME_TOO_LARGE']);
  });

  it('emits FramingError instances', () => {
    let error: unknown;
    const decoder = new NdjsonDecoder({
      maxLineBytes: 100,
      onMessage: () => {},
      onError: (e) => (error = e),
    });
    decoder.push(utf8('nope\n'));
    expect(error).toBeInstanceOf(FramingError);
    expect(FramingError.is(error)).toBe(true);
  });

  it('property: any split decodes the same as the whole input', () => {
    const line = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.constantFrom('', '  ', 'garbage', '{"x":', '[1,2'),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(line, fc.boolean()), { maxLength: 8 }),
        cutFractions,
        (lines, fractions) => {
          const input = utf8(lines.map(([l, crlf]) => `${l}${crlf ? '\r\n' : '\n'}`).join(''));
          const whole = run(ndjson(256), [input]);
          expect(run(ndjson(256), cutAtFractions(input, fractions))).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });
});
