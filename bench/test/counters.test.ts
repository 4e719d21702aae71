import { encodeLengthPrefixed } from '@sockworks/framing';
import { describe, expect, it } from 'vitest';
import { frameCounter, lineCounter } from '../src/generators/windowed.ts';

const frame = (body: string): Buffer => encodeLengthPrefixed(body);

describe('reply counters', () => {
  it('lineCounter counts newline-terminated replies across chunks', () => {
    const c = lineCounter();
    expect(c.feed(Buffer.from('{"a":1}\n{"b"'))).toBe(1);
    expect(c.feed(Buffer.from(':2}\n\n'))).toBe(2);
    expect(c.feed(Buffer.from('partial'))).toBe(0);
  });

  it('frameCounter counts length-prefixed frames split at every byte', () => {
    const stream = Buffer.concat([frame('{"x":1}'), frame('y'.repeat(300)), frame('{}')]);
    const c = frameCounter();
    let n = 0;
    for (const byte of stream) n += c.feed(Buffer.from([byte]));
    expect(n).toBe(3);
  });

  it('frameCounter counts many frames in one chunk, and a header split from its body', () => {
    const c = frameCounter();
    const many = Buffer.concat(Array.from({ length: 50 }, (_, i) => frame(`{"i":${i}}`)));
    expect(c.feed(many)).toBe(50);
    const one = frame('hello');
    expect(c.feed(one.subarray(0, 2))).toBe(0);
    expect(c.feed(one.subarray(2, 6))).toBe(0);
    expect(c.feed(one.subarray(6))).toBe(1);
  });
});
