import { encodeLengthPrefixed } from '@sockworks/framing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lengthPrefixedReplies, lineReplies, type ReplyCounter } from '../src/index.js';

const frame = (body: string): Buffer => encodeLengthPrefixed(body);
const zeroFrame = Buffer.alloc(4);

/** Feeds `chunks` in order; returns the replies counted and the rejected count. */
function feedAll(counter: ReplyCounter, chunks: readonly Buffer[]): { replies: number; rejected: number } {
  let replies = 0;
  for (const c of chunks) replies += counter.feed(c);
  return { replies, rejected: counter.rejected };
}

/** The stream whole, byte by byte, and split in two at every offset: each must count the same. */
function everySplit(stream: Buffer): Buffer[][] {
  const ways = [[stream], [...stream].map((b) => Buffer.from([b]))];
  for (let i = 1; i < stream.length; i++) ways.push([stream.subarray(0, i), stream.subarray(i)]);
  return ways;
}

const ECHO = Buffer.from('{"type":"echo_response"');
const echoReply = (content: string) => frame(`{"type":"echo_response","content":"${content}"}`);
const errorReply = frame('{"type":"error","code":"INVALID_JSON"}');

describe('lineReplies', () => {
  it('counts newline-terminated replies across chunks, empty lines included', () => {
    const c = lineReplies();
    expect(c.feed(Buffer.from('{"a":1}\n{"b"'))).toBe(1);
    expect(c.feed(Buffer.from(':2}\n\n'))).toBe(2);
    expect(c.feed(Buffer.from('partial'))).toBe(0);
    expect(c.rejected).toBe(0);
  });
});

describe('lengthPrefixedReplies', () => {
  const stream = Buffer.concat([
    echoReply('a'),
    errorReply,
    zeroFrame,
    echoReply('y'.repeat(300)),
    frame('{}'),
  ]);

  it('counts frames whole, byte by byte and split at every boundary', () => {
    for (const chunks of everySplit(stream)) {
      expect(feedAll(lengthPrefixedReplies(), chunks), `${chunks.length} chunks`).toEqual({
        replies: 5,
        rejected: 0,
      });
    }
  });

  it('rejects replies whose body does not start with the expected prefix, however the stream is split', () => {
    // Rejected: the error frame, the empty frame and `{}` (shorter than the prefix).
    for (const chunks of everySplit(stream)) {
      expect(
        feedAll(lengthPrefixedReplies({ expectPrefix: ECHO }), chunks),
        `${chunks.length} chunks`,
      ).toEqual({
        replies: 5,
        rejected: 3,
      });
    }
  });

  it('counts any mix of good and bad replies at any cut points (property)', () => {
    const reply = fc.oneof(
      fc.string({ maxLength: 40 }).map((s) => ({ bytes: echoReply(s.replace(/["\\]/g, '')), good: true })),
      fc
        .string({ minLength: 1, maxLength: 40 })
        .map((s) => ({ bytes: frame(s), good: s.startsWith(ECHO.toString()) })),
      fc.constant({ bytes: zeroFrame, good: false }),
    );
    fc.assert(
      fc.property(
        fc.array(reply, { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (replies, cuts) => {
          const bytes = Buffer.concat(replies.map((r) => r.bytes));
          const offsets = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort(
            (a, b) => a - b,
          );
          const chunks: Buffer[] = [];
          let from = 0;
          for (const at of [...offsets, bytes.length]) {
            chunks.push(bytes.subarray(from, at));
            from = at;
          }
          expect(feedAll(lengthPrefixedReplies({ expectPrefix: ECHO }), chunks)).toEqual({
            replies: replies.length,
            rejected: replies.filter((r) => !r.good).length,
          });
        },
      ),
    );
  });

  it('counts many frames in one chunk and a header split from its body', () => {
    const c = lengthPrefixedReplies();
    expect(c.feed(Buffer.concat(Array.from({ length: 50 }, (_, i) => frame(`{"i":${i}}`))))).toBe(50);
    const one = frame('hello');
    expect(c.feed(one.subarray(0, 2))).toBe(0);
    expect(c.feed(one.subarray(2, 6))).toBe(0);
    expect(c.feed(one.subarray(6))).toBe(1);
  });
});
