import { describe, expect, it } from 'vitest';
import { createRequestDecoder, DEFAULT_CODEC_LIMITS, encodeMessage } from '../src/server/codec.js';

/** What a decoder yields for `chunks`: each message, or `error:<code>` for each framing error. */
function decode(chunks: Buffer[], limits = DEFAULT_CODEC_LIMITS): unknown[] {
  const out: unknown[] = [];
  const decoder = createRequestDecoder(limits, {
    onMessage: (value) => out.push(value),
    onError: (error) => out.push(`error:${error.code}`),
  });
  for (const chunk of chunks) decoder.push(chunk);
  decoder.end();
  return out;
}

// json.dumps(...) style (spaces, no delimiter), one per line with CRLF, bad JSON in the middle,
// multi-byte UTF-8 (2-, 3- and 4-byte sequences) that a split can cut in half.
const dumps = (v: unknown) => JSON.stringify(v).replace(/":/g, '": ').replace(/,"/g, ', "');
const INPUT = Buffer.from(
  dumps({ method: 'join_chat', params: { username: 'Zoë' } }) +
    dumps({ method: 'send_message', params: { message: 'héllo € 🌍' } }) +
    '\r\n{"method":"get_users"}\r\n' +
    '{"method": oops}\n' +
    '{"method":"leave_chat","params":{}}',
  'utf8',
);

describe('request codec', () => {
  const whole = decode([INPUT]);

  it('decodes concatenated and newline-separated requests, skipping bad JSON', () => {
    expect(whole).toEqual([
      { method: 'join_chat', params: { username: 'Zoë' } },
      { method: 'send_message', params: { message: 'héllo € 🌍' } },
      { method: 'get_users' },
      'error:INVALID_JSON',
      { method: 'leave_chat', params: {} },
    ]);
  });

  it('decodes the same byte by byte', () => {
    expect(decode([...INPUT].map((byte) => Buffer.from([byte])))).toEqual(whole);
  });

  it('decodes the same split at every boundary', () => {
    for (let i = 1; i < INPUT.length; i++) {
      expect(decode([INPUT.subarray(0, i), INPUT.subarray(i)]), `split at ${i}`).toEqual(whole);
    }
  });

  it('rejects a request over the limit (fatal), accepts one of exactly the limit', () => {
    const request = Buffer.from('{"method":"get_users","params":{"p":"xxxxxxxxxx"}}');
    const limits = { ...DEFAULT_CODEC_LIMITS, maxRequestBytes: request.length };
    expect(decode([request], limits)).toEqual([JSON.parse(request.toString())]);
    expect(decode([Buffer.from(request.toString().replace('"p":"', '"p":"x'))], limits)).toEqual([
      'error:FRAME_TOO_LARGE',
    ]);
  });

  it('encodes one compact JSON value and a newline', () => {
    expect(encodeMessage({ status: 'success', users: ['a', 'b'] }).toString()).toBe(
      '{"status":"success","users":["a","b"]}\n',
    );
  });
});
