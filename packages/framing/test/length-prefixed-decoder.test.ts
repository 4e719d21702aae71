import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeLengthPrefixed, LengthPrefixedDecoder } from '../src/index.js';
import { cutAtFractions, cutFractions, decodeEveryWay, type Factory, run, utf8 } from './helpers.js';

const framed =
  (maxFrameBytes = 1024): Factory =>
  (events) =>
    new LengthPrefixedDecoder({ maxFrameBytes, ...events });

const hex = (b: Uint8Array): { kind: 'message'; value: string } => ({
  kind: 'message',
  value: `hex:${Buffer.from(b).toString('hex')}`,
});

function header(length: number): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(length, 0);
  return h;
}

describe('LengthPrefixedDecoder', () => {
  it('decodes several frames whole, byte by byte and split at every boundary (header split too)', () => {
    const payloads = [utf8('{"type":"ping"}'), Buffer.from([0]), utf8('héllo 🎉 世界'), Buffer.alloc(300, 7)];
    const input = Buffer.concat(payloads.map((p) => encodeLengthPrefixed(p)));
    expect(decodeEveryWay(framed(), input)).toEqual(payloads.map(hex));
  });

  it('decodes many frames in one chunk as views of that chunk', () => {
    const payloads = Array.from({ length: 1000 }, (_, i) => utf8(`{"n":${i}}`));
    const input = Buffer.concat(payloads.map((p) => encodeLengthPrefixed(p)));
    const got: Buffer[] = [];
    const decoder = new LengthPrefixedDecoder({
      maxFrameBytes: 64,
      onMessage: (p) => got.push(p),
      onError: (e) => {
        throw e;
      },
    });
    decoder.push(input);
    decoder.end();
    expect(got.map((p) => p.toString())).toEqual(payloads.map((p) => p.toString()));
    expect(got[0]!.buffer).toBe(input.buffer);
  });

  it('accepts a frame of exactly maxFrameBytes', () => {
    const payload = Buffer.alloc(16, 0x61);
    expect(decodeEveryWay(framed(16), encodeLengthPrefixed(payload))).toEqual([hex(payload)]);
  });

  for (const [name, length] of [
    ['max+1', 17],
    ['0x80000000', 0x8000_0000],
    ['0xFFFFFFFF', 0xffff_ffff],
  ] as const) {
    it(`rejects a header of ${name} as fatal FRAME_TOO_LARGE right after the header`, () => {
      const events = decodeEveryWay(framed(16), Buffer.concat([encodeLengthPrefixed('ok'), header(length)]));
      expect(events).toMatchObject([
        hex(utf8('ok')),
        { kind: 'error', code: 'FRAME_TOO_LARGE', fatal: true },
      ]);
      // Nothing of the body is awaited: the error comes with the 4th header byte, and nothing is held.
      let error: unknown;
      const decoder = new LengthPrefixedDecoder({
        maxFrameBytes: 16,
        onMessage: () => {},
        onError: (e) => (error = e),
      });
      decoder.push(header(length).subarray(0, 3));
      expect(error).toBeUndefined();
      expect(decoder.buffered).toBe(3);
      decoder.push(header(length).subarray(3));
      expect(error).toMatchObject({ code: 'FRAME_TOO_LARGE', fatal: true });
      expect(decoder.buffered).toBe(0);
    });
  }

  it('rejects a zero-length frame as fatal EMPTY_FRAME', () => {
    const input = Buffer.concat([encodeLengthPrefixed('a'), header(0), encodeLengthPrefixed('b')]);
    expect(decodeEveryWay(framed(), input, { ignoreExcerpts: true })).toEqual([
      hex(utf8('a')),
      { kind: 'error', code: 'EMPTY_FRAME', fatal: true, excerpt: undefined },
    ]);
  });

  it('gives an HTTP request line as the excerpt of the oversize error', () => {
    const events = run(framed(1024 * 1024), [utf8('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]);
    expect(events).toMatchObject([{ code: 'FRAME_TOO_LARGE', excerpt: 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' }]);
  });

  it('reports TRUNCATED on end() inside a header or a body, nothing at a frame boundary', () => {
    const frame = encodeLengthPrefixed('hello');
    for (let cut = 1; cut < frame.length; cut++) {
      expect(run(framed(), [frame.subarray(0, cut)])).toMatchObject([{ code: 'TRUNCATED', fatal: true }]);
    }
    expect(run(framed(), [frame])).toEqual([hex(utf8('hello'))]);
  });

  it('counts held header and body bytes in buffered', () => {
    const decoder = new LengthPrefixedDecoder({ maxFrameBytes: 100, onMessage: () => {}, onError: () => {} });
    const frame = encodeLengthPrefixed(Buffer.alloc(10));
    decoder.push(frame.subarray(0, 2));
    expect(decoder.buffered).toBe(2);
    decoder.push(frame.subarray(2, 9));
    expect(decoder.buffered).toBe(5);
    decoder.push(frame.subarray(9));
    expect(decoder.buffered).toBe(0);
  });

  it('holds only the bytes received, not the announced length', () => {
    const decoder = new LengthPrefixedDecoder({
      maxFrameBytes: 1 << 20,
      onMessage: () => {},
      onError: () => {},
    });
    decoder.push(Buffer.concat([header(1 << 20), Buffer.from('x')]));
    expect(decoder.buffered).toBe(1);
    decoder.push(Buffer.alloc(1000));
    expect(decoder.buffered).toBe(1001);
  });

  it('copies held bytes, so a reused chunk buffer does not corrupt a frame', () => {
    const got: string[] = [];
    const decoder = new LengthPrefixedDecoder({
      maxFrameBytes: 100,
      onMessage: (p) => got.push(p.toString()),
      onError: () => {},
    });
    const frame = encodeLengthPrefixed('abcdef');
    const scratch = Buffer.from(frame.subarray(0, 7));
    decoder.push(scratch);
    scratch.fill(0x7a);
    decoder.push(frame.subarray(7));
    expect(got).toEqual(['abcdef']);
  });

  it('ignores input after a fatal error', () => {
    const events = run(framed(4), [
      Buffer.concat([header(5), encodeLengthPrefixed('ok')]),
      encodeLengthPrefixed('x'),
    ]);
    expect(events).toMatchObject([{ code: 'FRAME_TOO_LARGE' }]);
  });

  it('validates maxFrameBytes at construction', () => {
    const events = { onMessage: () => {}, onError: () => {} };
    expect(() => new LengthPrefixedDecoder({ maxFrameBytes: 0, ...events })).toThrow(/maxFrameBytes/);
    expect(() => new LengthPrefixedDecoder({ maxFrameBytes: 2 ** 32, ...events })).toThrow(/maxFrameBytes/);
    expect(() => new LengthPrefixedDecoder({ maxFrameBytes: 1.5, ...events })).toThrow(/maxFrameBytes/);
  });

  it('property: any split decodes the same as the whole input', () => {
    const payload = fc.uint8Array({ minLength: 0, maxLength: 40 });
    fc.assert(
      fc.property(fc.array(payload, { maxLength: 10 }), cutFractions, (payloads, fractions) => {
        // A zero-length payload writes a raw zero header (EMPTY_FRAME) so the error path is covered too.
        const input = Buffer.concat(
          payloads.map((p) => (p.length === 0 ? header(0) : encodeLengthPrefixed(p))),
        );
        // Header errors quote the bytes after the header that came in the same chunk: split-dependent.
        const whole = run(framed(32), [input], { ignoreExcerpts: true });
        expect(run(framed(32), cutAtFractions(input, fractions), { ignoreExcerpts: true })).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });
});
