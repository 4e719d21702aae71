import type { FramingError } from '@sockworks/framing';
import { describe, expect, it } from 'vitest';
import { createRequestDecoder } from '../src/server/codec.js';

const INPUT = Buffer.from(
  [
    '{"command":"store","request_id":"é1","data":{"key":"ключ","value":"𝄞 ✓"}}',
    '',
    'not json',
    '{"command":"ping"}\r',
    '{"command":"echo","data":{"message":"日本語"}}',
    '',
  ].join('\n'),
);

function decode(chunks: Buffer[]): unknown[] {
  const out: unknown[] = [];
  const decoder = createRequestDecoder({
    maxLineBytes: 1024,
    maxDepth: 64,
    onMessage: (m) => out.push(m),
    onError: (e: FramingError) => out.push({ error: e.code, fatal: e.fatal }),
  });
  for (const chunk of chunks) decoder.push(chunk);
  return out;
}

describe('request codec', () => {
  const whole = decode([INPUT]);

  it('decodes whole input: requests in order, a bad line as a non-fatal error, blank lines skipped', () => {
    expect(whole).toEqual([
      { command: 'store', request_id: 'é1', data: { key: 'ключ', value: '𝄞 ✓' } },
      { error: 'INVALID_JSON', fatal: false },
      { command: 'ping' },
      { command: 'echo', data: { message: '日本語' } },
    ]);
  });

  it('decodes the same byte by byte (splitting UTF-8 characters)', () => {
    expect(decode([...INPUT].map((b) => Buffer.from([b])))).toEqual(whole);
  });

  it('decodes the same when split at every boundary', () => {
    for (let i = 1; i < INPUT.length; i++) {
      expect(decode([INPUT.subarray(0, i), INPUT.subarray(i)])).toEqual(whole);
    }
  });

  it('an over-long line is a fatal error and nothing after it is decoded', () => {
    const out = decode([Buffer.from(`${'x'.repeat(2000)}\n{"command":"ping"}\n`)]);
    expect(out).toEqual([{ error: 'FRAME_TOO_LARGE', fatal: true }]);
  });
});
