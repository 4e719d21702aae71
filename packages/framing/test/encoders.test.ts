import { describe, expect, it } from 'vitest';
import {
  encodeLengthPrefixed,
  encodeLengthPrefixedJson,
  encodeNdjson,
  FramingError,
  looksLikeHttpRequest,
  parseJsonPayload,
} from '../src/index.js';
import { utf8 } from './helpers.js';

describe('encoders', () => {
  it('encodeNdjson writes compact JSON and one newline', () => {
    expect(encodeNdjson({ a: [1, 2], s: 'x\ny' }).toString()).toBe('{"a":[1,2],"s":"x\\ny"}\n');
    expect(() => encodeNdjson(undefined)).toThrow(TypeError);
  });

  it('encodeLengthPrefixed writes a big-endian length and the payload', () => {
    expect(encodeLengthPrefixed('hé').toString('hex')).toBe('0000000368c3a9');
    expect(encodeLengthPrefixed(Uint8Array.of(1, 2)).toString('hex')).toBe('000000020102');
    expect(encodeLengthPrefixedJson({ type: 'ping' })).toEqual(encodeLengthPrefixed('{"type":"ping"}'));
  });

  it('refuses to encode an empty frame', () => {
    expect(() => encodeLengthPrefixed('')).toThrow(expect.objectContaining({ code: 'EMPTY_FRAME' }));
  });
});

describe('parseJsonPayload', () => {
  it('parses UTF-8 JSON', () => {
    expect(parseJsonPayload(utf8('{"t":"世界"}'))).toEqual({ t: '世界' });
  });

  it.each([
    ['INVALID_UTF8', Buffer.from([0x22, 0xc0, 0xaf, 0x22])],
    ['INVALID_JSON', utf8('{"a":')],
    ['INVALID_JSON', utf8('\ufeff{}')],
    ['INVALID_JSON', Buffer.alloc(0)],
    ['TOO_DEEP', utf8(`${'['.repeat(65)}${']'.repeat(65)}`)],
  ])('throws non-fatal %s', (code, payload) => {
    let error: unknown;
    try {
      parseJsonPayload(payload);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FramingError);
    expect(error).toMatchObject({ code, fatal: false });
  });

  it('takes maxDepth', () => {
    expect(parseJsonPayload(utf8('[[1]]'), { maxDepth: 2 })).toEqual([[1]]);
    expect(() => parseJsonPayload(utf8('[[[1]]]'), { maxDepth: 2 })).toThrow(
      expect.objectContaining({ code: 'TOO_DEEP' }),
    );
  });
});

describe('looksLikeHttpRequest', () => {
  it.each([
    'GET / HTTP/1.1',
    'GET / HTTP/1.1\r',
    'POST /api?x=1 HTTP/1.0\r\nHost: a\r\n',
    'PRI * HTTP/2.0',
    'DELETE /x HTT',
    'GET ',
    'OPTIONS *',
  ])('true for %j', (text) => {
    expect(looksLikeHttpRequest(text)).toBe(true);
  });

  it.each([
    '',
    'GET',
    'get / HTTP/1.1',
    '{"method":"GET"}',
    'GET it done\n',
    'hello',
    'GET / HTTP/1.1 extra',
  ])('false for %j', (text) => {
    expect(looksLikeHttpRequest(text)).toBe(false);
  });
});
