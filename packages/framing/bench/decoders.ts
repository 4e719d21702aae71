/**
 * Micro-benchmark of the decoders (not a test: numbers depend on the machine and its load).
 * Run: pnpm --filter @sockworks/framing bench
 */
import {
  encodeLengthPrefixed,
  JsonStreamDecoder,
  LengthPrefixedDecoder,
  NdjsonDecoder,
  type PushDecoder,
  parseJsonPayload,
} from '../src/index.js';

const MESSAGES = 2000;
const ROUNDS = 300;
const small = JSON.stringify({ type: 'echo', data: { message: 'hello', n: 12345 } });
const large = JSON.stringify({ type: 'echo', content: 'x'.repeat(8192) });

function fail(error: Error): never {
  throw error;
}

function measure(name: string, decoder: PushDecoder, chunks: Buffer[], messagesPerRound: number): void {
  for (let i = 0; i < 20; i++) for (const c of chunks) decoder.push(c); // warm up
  const bytes = chunks.reduce((sum, c) => sum + c.length, 0);
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < ROUNDS; r++) for (const c of chunks) decoder.push(c);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = (ROUNDS * messagesPerRound) / seconds;
  const mb = (ROUNDS * bytes) / seconds / 1e6;
  console.log(
    `${name.padEnd(48)} ${(rate / 1e3).toFixed(0).padStart(8)} k msg/s ${mb.toFixed(0).padStart(6)} MB/s`,
  );
}

function cut(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let o = 0; o < buf.length; o += size) out.push(buf.subarray(o, o + size));
  return out;
}

const events = { onMessage: () => {}, onError: fail };
const frames = Buffer.concat(Array.from({ length: MESSAGES }, () => encodeLengthPrefixed(small)));
measure(
  'length-prefixed, 64 KiB chunks',
  new LengthPrefixedDecoder({ maxFrameBytes: 1 << 20, ...events }),
  cut(frames, 65536),
  MESSAGES,
);
measure(
  'length-prefixed, 1000-byte chunks',
  new LengthPrefixedDecoder({ maxFrameBytes: 1 << 20, ...events }),
  cut(frames, 1000),
  MESSAGES,
);
measure(
  'length-prefixed + parseJsonPayload',
  new LengthPrefixedDecoder({ maxFrameBytes: 1 << 20, onMessage: (p) => parseJsonPayload(p), onError: fail }),
  cut(frames, 65536),
  MESSAGES,
);
const largeFrames = Buffer.concat(Array.from({ length: 200 }, () => encodeLengthPrefixed(large)));
measure(
  'length-prefixed + parseJsonPayload, 8 KiB payloads',
  new LengthPrefixedDecoder({ maxFrameBytes: 1 << 20, onMessage: (p) => parseJsonPayload(p), onError: fail }),
  cut(largeFrames, 65536),
  200,
);
const lines = Buffer.from(Array.from({ length: MESSAGES }, () => `${small}\n`).join(''));
measure(
  'ndjson, 64 KiB chunks',
  new NdjsonDecoder({ maxLineBytes: 1 << 20, ...events }),
  cut(lines, 65536),
  MESSAGES,
);
const concatenated = Buffer.from(Array.from({ length: MESSAGES }, () => small).join(''));
measure(
  'concatenated JSON, 64 KiB chunks',
  new JsonStreamDecoder({ maxValueBytes: 1 << 20, ...events }),
  cut(concatenated, 65536),
  MESSAGES,
);
const largeConcatenated = Buffer.from(Array.from({ length: 200 }, () => large).join(''));
measure(
  'concatenated JSON, 8 KiB values',
  new JsonStreamDecoder({ maxValueBytes: 1 << 20, ...events }),
  cut(largeConcatenated, 65536),
  200,
);
