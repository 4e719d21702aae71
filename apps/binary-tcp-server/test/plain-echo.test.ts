import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameBatch } from '../src/server/frame-batch.js';
import { scanPlainEcho } from '../src/server/plain-echo.js';
import { ECHO_RESPONSE_HEAD, echoResponseJson, echoResponseTail } from '../src/server/replies.js';

const NOW = '2024-01-01T12:00:00.001Z';

/** The reply frame the fast path writes for `payload`, or null when it does not take it. */
function fastReply(payload: Buffer): Buffer | null {
  const range = scanPlainEcho(payload);
  if (range === null) return null;
  const batch = new FrameBatch(16);
  batch.pushSplice(ECHO_RESPONSE_HEAD, payload, range.start, range.end, echoResponseTail(NOW));
  return batch.take();
}

/** The reply frame of the general path: JSON.parse, then the serialiser (itself equal to JSON.stringify). */
function generalReply(payload: Buffer): Buffer {
  const value = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(payload)) as {
    content: unknown;
  };
  const json = JSON.stringify({
    type: 'echo_response',
    content: value.content,
    timestamp: NOW,
    echoed_by: 'TCP Server',
  });
  expect(echoResponseJson(value.content, NOW)).toBe(json);
  const body = Buffer.from(json);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length, 0);
  return Buffer.concat([header, body]);
}

const ws = fc.constantFrom('', ' ', '\n', '\t', '\r\n  ');
const plainText = fc.string({ unit: 'binary', maxLength: 300 });
const key = fc.constantFrom('timestamp', 'client_info', 'x', '', 'é', 'TYPE', 'Content', 'types', 'contents');

/** Payloads of the fast path's shape, with arbitrary member order, extra members and whitespace. */
const echoPayload = fc
  .record({
    content: plainText,
    extra: fc.array(fc.tuple(key, plainText), { maxLength: 3 }),
    order: fc.nat(),
    gaps: fc.array(ws, { minLength: 12, maxLength: 12 }),
  })
  .map(({ content, extra, order, gaps }) => {
    const members = [['type', 'echo'], ['content', content], ...extra] as Array<[string, string]>;
    const first = members.splice(order % members.length, 1);
    members.splice(order % (members.length + 1), 0, ...first);
    const g = (i: number): string => gaps[i % gaps.length]!;
    const body = members.map(
      ([k, v], i) => `${g(i)}${JSON.stringify(k)}${g(i + 1)}:${g(i + 2)}${JSON.stringify(v)}${g(i + 3)}`,
    );
    return Buffer.from(`${g(10)}{${body.join(',')}}${g(11)}`);
  });

describe('scanPlainEcho + FrameBatch.pushSplice (the echo fast path)', () => {
  it('writes exactly the bytes of the general path whenever it accepts a payload', () => {
    let accepted = 0;
    fc.assert(
      fc.property(echoPayload, (payload) => {
        const fast = fastReply(payload);
        const hasEscape = payload.includes(0x5c);
        if (fast === null) {
          // Only escapes (which JSON.stringify wrote for quotes, controls, lone surrogates) or a
          // duplicate key keep an echo of this shape off the fast path.
          return;
        }
        expect(hasEscape).toBe(false);
        accepted++;
        expect(fast.equals(generalReply(payload))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(500);
  });

  it('never accepts a corrupted payload that JSON.parse or the UTF-8 check would refuse, or a non-echo', () => {
    fc.assert(
      fc.property(
        echoPayload,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
        (payload, edits) => {
          const bytes = Buffer.from(payload);
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const fast = fastReply(bytes);
          if (fast === null) return;
          // Accepted: it must be valid UTF-8 JSON, an echo whose string content is what was spliced.
          const value = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes));
          expect(value.type).toBe('echo');
          expect(typeof value.content).toBe('string');
          expect(fast.equals(generalReply(bytes))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('takes the common shapes and leaves the rest to the general path', () => {
    const accepts = [
      '{"type":"echo","content":"Hello TCP Server!","timestamp":"2024-01-01T12:00:00.000Z"}',
      '{"content":"","type":"echo"}',
      ' {\n"type" : "echo" ,\t"content":"é✓🎉 \u2028 ~\u007f"} ',
      `{"type":"echo","content":"${'x'.repeat(8192)}"}`,
    ];
    for (const text of accepts) expect(scanPlainEcho(Buffer.from(text))).not.toBeNull();
    const declines: Array<string | Buffer> = [
      '{"type":"echo","content":"a\\"b"}', // escape
      '{"type":"echo","content":"a\u0001b"}', // raw control character (invalid JSON)
      `{"type":"echo","content":"${'y'.repeat(300)}\u001f"}`, // same in a long run
      '{"type":"echo","content":1}', // not a string
      '{"type":"echo","content":["a"]}',
      '{"type":"echo"}', // no content
      '{"type":"ping","content":"a"}',
      '{"type":"echo","type":"ping","content":"a"}', // duplicate keys
      '{"type":"echo","content":"a","content":"b"}',
      '{"type":"echo","content":"a"} x', // trailing garbage
      '{"type":"echo","content":"a",}',
      '{"type":"echo" "content":"a"}',
      '\ufeff{"type":"echo","content":"a"}', // BOM: JSON.parse refuses it
      '[{"type":"echo","content":"a"}]',
      '{"type":"echo","content":"a"',
      '',
      Buffer.from([...Buffer.from('{"type":"echo","content":"'), 0xff, ...Buffer.from('"}')]), // bad UTF-8
      Buffer.from([...Buffer.from('{"type":"echo","content":"'), 0xed, 0xa0, 0x80, ...Buffer.from('"}')]), // surrogate
    ];
    for (const input of declines) {
      expect(scanPlainEcho(Buffer.isBuffer(input) ? input : Buffer.from(input))).toBeNull();
    }
  });
});
