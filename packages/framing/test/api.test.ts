import { ProtocolError } from '@sockworks/error-codes';
import { describe, expect, it } from 'vitest';
import * as framing from '../src/index.js';
import {
  type DecoderEvents,
  encodeLengthPrefixed,
  FramingError,
  forwardEvents,
  JsonStreamDecoder,
  LengthPrefixedDecoder,
  LineDecoder,
  NdjsonDecoder,
  type PushDecoder,
} from '../src/index.js';
import { utf8 } from './helpers.js';

describe('public API', () => {
  it('exports exactly the contract of docs/architecture.md plus documented constants', () => {
    expect(Object.keys(framing).sort()).toEqual(
      [
        'DEFAULT_MAX_DEPTH',
        'EXCERPT_MAX_CHARS',
        'FramingError',
        'FramingErrorCode',
        'JsonStreamDecodeStream',
        'JsonStreamDecoder',
        'LengthPrefixedDecodeStream',
        'LengthPrefixedDecoder',
        'LengthPrefixedEncodeStream',
        'LineDecoder',
        'MAX_LENGTH_PREFIX',
        'NdjsonDecodeStream',
        'NdjsonDecoder',
        'NdjsonEncodeStream',
        'PARTIAL_MESSAGE_DEFAULTS',
        'PartialMessageGuard',
        'encodeLengthPrefixed',
        'encodeLengthPrefixedJson',
        'encodeNdjson',
        'exceedsJsonDepth',
        'findNonFiniteNumber',
        'forwardEvents',
        'hasNonFiniteNumber',
        'looksLikeHttpRequest',
        'parseJsonPayload',
      ].sort(),
    );
  });

  it('FramingError is a ProtocolError with code, fatal and excerpt', () => {
    const error = new FramingError('INVALID_JSON', 'Line is not valid JSON', { fatal: false, excerpt: 'x' });
    expect(error).toBeInstanceOf(ProtocolError);
    expect(ProtocolError.is(error)).toBe(true);
    expect(FramingError.is(error)).toBe(true);
    expect(FramingError.is(new ProtocolError('INVALID_JSON', 'x'))).toBe(false);
    expect(error).toMatchObject({ code: 'INVALID_JSON', fatal: false, excerpt: 'x' });
    expect(error.toJSON()).toEqual({ code: 'INVALID_JSON', message: 'Line is not valid JSON' });
  });

  it('never puts input into error messages (only into excerpt and cause)', () => {
    let error: FramingError | undefined;
    const decoder = new NdjsonDecoder({
      maxLineBytes: 100,
      onMessage: () => {},
      onError: (e) => (error = e),
    });
    decoder.push(utf8('{"secret": nope}\n'));
    expect(error?.message).not.toContain('secret');
    expect(error?.excerpt).toBe('{"secret": nope}');
    expect(error?.cause).toBeInstanceOf(SyntaxError);
  });
});

type Build = (events: DecoderEvents<never>) => PushDecoder;
const builders: Array<[string, Build, Uint8Array]> = [
  ['LineDecoder', (e) => new LineDecoder({ maxLineBytes: 100, ...e }), utf8('a\nb\nc\n')],
  ['NdjsonDecoder', (e) => new NdjsonDecoder({ maxLineBytes: 100, ...e }), utf8('1\n2\n3\n')],
  [
    'LengthPrefixedDecoder',
    (e) => new LengthPrefixedDecoder({ maxFrameBytes: 100, ...e }),
    Buffer.concat(['a', 'b', 'c'].map((s) => encodeLengthPrefixed(s))),
  ],
  ['JsonStreamDecoder', (e) => new JsonStreamDecoder({ maxValueBytes: 100, ...e }), utf8('[1][2][3]')],
];

it('calls the callbacks with the options object as `this`', () => {
  const opts = {
    seen: [] as string[],
    maxLineBytes: 10,
    onMessage(this: { seen: string[] }, line: string) {
      this.seen.push(line);
    },
    onError() {},
  };
  const decoder = new LineDecoder(opts);
  decoder.push(utf8('a\nb\n'));
  expect(opts.seen).toEqual(['a', 'b']);
});

describe.each(builders)('%s contract', (_name, build, threeMessages) => {
  it('close() inside a callback stops the rest of the chunk', () => {
    let seen = 0;
    const decoder: PushDecoder = build({
      onMessage: () => {
        seen++;
        decoder.close();
      },
      onError: () => {},
    });
    decoder.push(threeMessages);
    decoder.push(threeMessages);
    decoder.end();
    expect(seen).toBe(1);
    expect(decoder.buffered).toBe(0);
  });

  it('refuses push() and end() from inside a callback', () => {
    const thrown: unknown[] = [];
    const decoder: PushDecoder = build({
      onMessage: () => {
        try {
          decoder.push(threeMessages);
        } catch (err) {
          thrown.push(err);
        }
        try {
          decoder.end();
        } catch (err) {
          thrown.push(err);
        }
      },
      onError: () => {},
    });
    decoder.push(threeMessages);
    expect(thrown.length).toBeGreaterThan(0);
    expect(String(thrown[0])).toMatch(/called from a decoder callback/);
  });

  it('end() twice is harmless, push() after end() is ignored', () => {
    let seen = 0;
    const decoder = build({ onMessage: () => seen++, onError: () => {} });
    decoder.push(threeMessages);
    decoder.end();
    decoder.end();
    decoder.push(threeMessages);
    expect(seen).toBe(3);
  });

  it('validates its limits at construction', () => {
    expect(() => build({ onMessage: () => {}, onError: () => {} })).not.toThrow();
    expect(() => new LineDecoder({ maxLineBytes: -1, onMessage: () => {}, onError: () => {} })).toThrow(
      /maxLineBytes/,
    );
    expect(
      () => new NdjsonDecoder({ maxLineBytes: 10, maxDepth: 0, onMessage: () => {}, onError: () => {} }),
    ).toThrow(/maxDepth/);
    expect(
      () => new JsonStreamDecoder({ maxValueBytes: Number.NaN, onMessage: () => {}, onError: () => {} }),
    ).toThrow(/maxValueBytes/);
  });
});

describe('forwardEvents', () => {
  it("sends a decoder's messages and errors to a class instance's methods, in order", () => {
    class Sink {
      readonly seen: string[] = [];
      onMessage(value: unknown): void {
        this.seen.push(`message ${JSON.stringify(value)}`);
      }
      onError(error: FramingError): void {
        this.seen.push(`error ${error.code}`);
      }
    }
    const sink = new Sink();
    const decoder = new NdjsonDecoder(forwardEvents({ maxLineBytes: 64, maxDepth: 4 }, sink));
    decoder.push(Buffer.from('{"a":1}\nnot json\n[[[[[1]]]]]\n{"b":2}\n'));
    expect(sink.seen).toEqual(['message {"a":1}', 'error INVALID_JSON', 'error TOO_DEEP', 'message {"b":2}']);
  });
});
