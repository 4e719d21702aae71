import { describe, expect, it } from 'vitest';
import { LineDecoder } from '../src/index.js';
import { decodeEveryWay, type Factory, msg, run, utf8 } from './helpers.js';

const lines =
  (maxLineBytes = 64): Factory =>
  (events) =>
    new LineDecoder({ maxLineBytes, ...events });

describe('LineDecoder', () => {
  it('emits every line, empty ones included, with LF or CRLF removed', () => {
    const input = utf8('one\r\n\ntwo\n\r\nthree 🎉 世界\n');
    expect(decodeEveryWay(lines(), input)).toEqual([
      msg('one'),
      msg(''),
      msg('two'),
      msg(''),
      msg('three 🎉 世界'),
    ]);
  });

  it('keeps a lone CR inside a line', () => {
    expect(decodeEveryWay(lines(), utf8('a\rb\n'))).toEqual([msg('a\rb')]);
  });

  it('reports invalid UTF-8 as non-fatal and goes on', () => {
    const input = Buffer.concat([Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x0a]), utf8('ok\n')]);
    expect(decodeEveryWay(lines(), input)).toMatchObject([{ code: 'INVALID_UTF8', fatal: false }, msg('ok')]);
  });

  it('limits line length without counting the terminator', () => {
    expect(decodeEveryWay(lines(3), utf8('abc\nabc\r\n'))).toEqual([msg('abc'), msg('abc')]);
    expect(decodeEveryWay(lines(3), utf8('abc\nabcd\nabc\n'))).toEqual([
      msg('abc'),
      { kind: 'error', code: 'FRAME_TOO_LARGE', fatal: true, excerpt: 'abc' },
    ]);
    expect(decodeEveryWay(lines(3), utf8('abc\r\r\n'))).toMatchObject([{ code: 'FRAME_TOO_LARGE' }]);
  });

  it('reports TRUNCATED for a partial line at end()', () => {
    expect(run(lines(), [utf8('a\nb')])).toEqual([
      msg('a'),
      { kind: 'error', code: 'TRUNCATED', fatal: true, excerpt: 'b' },
    ]);
  });

  it('rethrows an exception from a callback and stops decoding', () => {
    const seen: string[] = [];
    const decoder = new LineDecoder({
      maxLineBytes: 10,
      onMessage: (line) => {
        seen.push(line);
        if (line === 'boom') throw new Error('handler failed');
      },
      onError: () => {},
    });
    expect(() => decoder.push(utf8('a\nboom\nb\n'))).toThrow('handler failed');
    decoder.push(utf8('c\n'));
    expect(seen).toEqual(['a', 'boom']);
  });
});
