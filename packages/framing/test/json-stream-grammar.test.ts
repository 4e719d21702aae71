import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonStreamDecoder } from '../src/index.js';
import {
  cutAtFractions,
  cutFractions,
  decodeEveryWay,
  type Event,
  type Factory,
  msg,
  run,
  utf8,
} from './helpers.js';

const stream =
  (maxValueBytes = 1024, maxDepth = 64): Factory =>
  (events) =>
    new JsonStreamDecoder({ maxValueBytes, maxDepth, ...events });

const invalid = (excerpt: string): Event => ({ kind: 'error', code: 'INVALID_JSON', fatal: false, excerpt });

/**
 * Reference: whether `text` can still be continued into valid JSON, from V8's own parser. A prefix
 * fails with "Unexpected end", "Unterminated string" or an error positioned at its end; any other
 * error names a byte before the end, which cannot continue the value.
 */
function referenceState(text: string): 'complete' | 'prefix' | 'invalid' {
  try {
    JSON.parse(text);
    return 'complete';
  } catch (err) {
    const message = (err as Error).message;
    if (/Unexpected end of JSON input|Unterminated string/.test(message)) return 'prefix';
    const at = /at position (\d+)/.exec(message);
    return at !== null && Number(at[1]) >= text.length ? 'prefix' : 'invalid';
  }
}

/** The first event the decoder must report for `text` (a value starting with `{` or `[`), per V8. */
function referenceFirstEvent(text: string): Event | undefined {
  for (let k = 1; k <= text.length; k++) {
    const state = referenceState(text.slice(0, k));
    if (state === 'complete') return msg(JSON.parse(text.slice(0, k)));
    if (state === 'invalid') {
      const offending = text[k - 1]!;
      return invalid(text.slice(0, '{[\n'.includes(offending) ? k - 1 : k));
    }
  }
  return undefined;
}

/**
 * Reference model of the resynchronisation rules (grammar from V8, as above): the unfinished value
 * the decoder is inside once it has read `text`, or undefined when it is between values, in a run
 * of non-JSON text or skipping the rest of a line.
 */
function unfinishedValue(text: string): string | undefined {
  let t = text;
  for (;;) {
    const s = t.search(/[^ \t\r\n]/);
    if (s < 0) return undefined;
    t = t.slice(s);
    if (t[0] !== '{' && t[0] !== '[') {
      const m = t.search(/[\n{[]/);
      if (m < 0) return undefined;
      t = t[m] === '\n' ? t.slice(m + 1) : t.slice(m);
      continue;
    }
    let k = 1;
    let state: ReturnType<typeof referenceState> = 'prefix';
    for (; k <= t.length; k++) {
      state = referenceState(t.slice(0, k));
      if (state !== 'prefix') break;
    }
    if (state === 'prefix') return t;
    const offending = t[k - 1]!;
    if (state === 'complete' || offending === '\n') t = t.slice(k);
    else if (offending === '{' || offending === '[') t = t.slice(k - 1);
    else {
      const nl = t.indexOf('\n', k);
      if (nl < 0) return undefined;
      t = t.slice(nl + 1);
    }
  }
}

describe('JsonStreamDecoder grammar: errors at the first byte that cannot continue a value', () => {
  it('answers a truncated request at once and the well-formed request on the next line', () => {
    const input = utf8('{"method": "send_message", "params": {bad\n{"method":"get_users"}');
    expect(decodeEveryWay(stream(), input)).toEqual([
      invalid('{"method": "send_message", "params": {b'),
      msg({ method: 'get_users' }),
    ]);
    // Without end(): the error comes at the offending byte, not when the input stops.
    expect(run(stream(), [utf8('{"method": "send_message", "params": {b')], false)).toEqual([
      invalid('{"method": "send_message", "params": {b'),
    ]);
  });

  it('starts the next value at the offending byte when it is `{` or `[`', () => {
    const input = utf8('{"method":"send_message","params":{{"method":"get_users"}{"a":1 [2]');
    expect(decodeEveryWay(stream(), input)).toEqual([
      invalid('{"method":"send_message","params":{'),
      msg({ method: 'get_users' }),
      invalid('{"a":1 '),
      msg([2]),
    ]);
  });

  it('skips the rest of the line after any other offending byte', () => {
    const input = utf8('{"a":1,}{"b":2} still skipped\n{"c":3}\n[1,]\n[4]');
    expect(decodeEveryWay(stream(), input)).toEqual([
      invalid('{"a":1,}'),
      msg({ c: 3 }),
      invalid('[1,]'),
      msg([4]),
    ]);
  });

  it.each([
    ['{b', 'b'],
    ['{,', ','],
    ['{"a" 1', '1'],
    ['{"a"::', ':'],
    ['{"a":}', '}'],
    ['{"a":1,}', '}'],
    ['{"a":1 "', '"'],
    ['{"a":1]', ']'],
    ['{"a":[1}', '}'],
    ['[,', ','],
    ['[1,]', ']'],
    ['[1 2', '2'],
    ['[01', '1'],
    ['[-a', 'a'],
    ['[+', '+'],
    ['[.', '.'],
    ['[1.]', ']'],
    ['[1.e', 'e'],
    ['[1e]', ']'],
    ['[1e+]', ']'],
    ['[1e5.', '.'],
    ['[tru ', ' '],
    ['[trU', 'U'],
    ['[falsy', 'y'],
    ['[nul1', '1'],
    ['[true1', '1'],
    ['[nulln', 'n'],
    ['["\\x', 'x'],
    ['["\\u12G', 'G'],
    ['["\\u"', '"'],
    ['["a"b', 'b'],
    ['[\t\r\n x', 'x'],
  ])('%s: error at %s', (text, offending) => {
    expect(text.endsWith(offending)).toBe(true);
    const withoutLast = text.slice(0, -offending.length);
    expect(run(stream(), [utf8(withoutLast)], false)).toEqual([]);
    expect(run(stream(), [utf8(text)], false)).toEqual([invalid(text)]);
    expect(decodeEveryWay(stream(), utf8(`${text}\n{"ok":1}`))).toEqual([invalid(text), msg({ ok: 1 })]);
  });

  it('reports a non-ASCII byte outside strings at its first byte', () => {
    expect(decodeEveryWay(stream(), utf8('[\u00e9]\n[1]'))).toMatchObject([
      { kind: 'error', code: 'INVALID_JSON', fatal: false },
      msg([1]),
    ]);
  });

  it('accepts every JSON number form, literal, escape and whitespace between tokens', () => {
    const text =
      '{ "n" : [ 0 , -0 , 1 , -12 , 0.5 , -0.25e3 , 1E+2 , 1e-2 , 12.5E10 ] ,\r\n\t"l":[true,false,null],' +
      '"s":"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83C\\uDF89","e":{},"a":[],"k":[[{}],[[]]]}';
    expect(decodeEveryWay(stream(), utf8(`${text}[1]`))).toEqual([msg(JSON.parse(text)), msg([1])]);
  });

  it('keeps top-level scalars as one run of non-JSON text up to the newline (as before)', () => {
    expect(decodeEveryWay(stream(), utf8('42 true "s"\n-1{"a":1}'))).toEqual([
      invalid('42 true "s"'),
      invalid('-1'),
      msg({ a: 1 }),
    ]);
  });

  it('bounds the skipped rest of a line by maxValueBytes', () => {
    expect(decodeEveryWay(stream(8), utf8(`[x${'y'.repeat(8)}\n[1]`))).toEqual([invalid('[x'), msg([1])]);
    expect(decodeEveryWay(stream(8), utf8(`[x${'y'.repeat(9)}\n[1]`))).toEqual([
      invalid('[x'),
      { kind: 'error', code: 'FRAME_TOO_LARGE', fatal: true, excerpt: undefined },
    ]);
  });

  it('property: the first event matches V8 JSON.parse on every prefix (ASCII soup)', () => {
    const token = fc.constantFrom(
      ...'{}[]:,"\\ \ntrufalsn019-+.eExu'.split(''),
      '"a"',
      '"k":',
      '1.5e-3',
      'true',
      'null',
      '"\\u00e9"',
      '"\\n"',
      ', ',
    );
    const text = fc
      .tuple(fc.constantFrom('{', '['), fc.array(token, { maxLength: 30 }))
      .map(([open, tokens]) => open + tokens.join(''));
    fc.assert(
      fc.property(text, (t) => {
        const expected = referenceFirstEvent(t);
        const events = run(stream(1 << 16, 1000), [utf8(t)], false);
        expect(events[0]).toEqual(expected);
        if (expected === undefined) expect(events).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  // Values up to a few KiB: no limit is in play here.
  const big = stream(1 << 20);
  const request = fc
    .record({
      method: fc.constantFrom('get_users', 'send_message', 'join_chat'),
      params: fc.object({ maxDepth: 2 }),
    })
    .map((r) => JSON.stringify(r));
  const broken = fc.oneof(
    fc.object({ maxDepth: 3, maxKeys: 6 }),
    fc.array(fc.jsonValue({ maxDepth: 3 }), { minLength: 1, maxLength: 6 }),
  );

  /**
   * Whether an object starting right after `text` continues the value the decoder is inside (then it
   * is nested in it, not a request): `{"a":` or `[1,` then `{...}` on the next line is one value.
   */
  const continuesValue = (text: string): boolean => {
    const value = unfinishedValue(text);
    return value !== undefined && referenceState(`${value}{`) === 'prefix';
  };

  it('property: a request after a newline that follows a truncated value is answered', () => {
    fc.assert(
      fc.property(
        broken,
        fc.double({ min: 0, max: 1, noNaN: true }),
        request,
        cutFractions,
        (value, at, req, cuts) => {
          const full = JSON.stringify(value);
          const prefix = full.slice(0, 1 + Math.floor(at * (full.length - 2))); // never the whole value
          const input = utf8(`${prefix}\n${req}`);
          const events = run(big, cutAtFractions(input, cuts), false);
          expect(run(big, [input], false)).toEqual(events);
          if (continuesValue(`${prefix}\n`)) {
            // `{"a":` then `{...}` on the next line is one value spread over lines: nothing to report yet.
            expect(events).toEqual([]);
          } else {
            expect(events.at(-1)).toEqual(msg(JSON.parse(req)));
            expect(events.slice(0, -1).every((e) => e.kind === 'error' && !e.fatal)).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('property: a request right after a truncated value is answered when its `{` is where the error is found', () => {
    fc.assert(
      fc.property(
        broken,
        fc.double({ min: 0, max: 1, noNaN: true }),
        request,
        cutFractions,
        (value, at, req, cuts) => {
          const full = JSON.stringify(value);
          const prefix = full.slice(0, 1 + Math.floor(at * (full.length - 2))); // never the whole value
          fc.pre(referenceState(`${prefix}{`) === 'invalid');
          const input = utf8(prefix + req);
          expect(run(big, cutAtFractions(input, cuts), { ignoreExcerpts: true })).toEqual([
            { kind: 'error', code: 'INVALID_JSON', fatal: false, excerpt: undefined },
            msg(JSON.parse(req)),
          ]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: a request on the line after a corrupted value is answered', () => {
    const corruptByte = fc.constantFrom(...'{}[]:,"\\ \nx0-.e'.split(''), '\u00e9');
    fc.assert(
      fc.property(
        broken,
        fc.double({ min: 0, max: 1, noNaN: true }),
        corruptByte,
        request,
        cutFractions,
        (value, at, byte, req, cuts) => {
          const full = JSON.stringify(value);
          const p = Math.floor(at * (full.length - 1));
          const corrupted = full.slice(0, p) + byte + full.slice(p + 1);
          const input = utf8(`${corrupted}\n${req}`);
          const events = run(big, cutAtFractions(input, cuts), false);
          expect(run(big, [input], false)).toEqual(events);
          if (continuesValue(`${corrupted}\n`)) return;
          expect(events.at(-1)).toEqual(msg(JSON.parse(req)));
          expect(events.every((e) => e.kind === 'message' || !e.fatal)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
