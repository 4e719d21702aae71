import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  encodeLengthPrefixed,
  type FramingError,
  JsonStreamDecodeStream,
  LengthPrefixedDecodeStream,
  LengthPrefixedEncodeStream,
  NdjsonDecodeStream,
  NdjsonEncodeStream,
} from '../src/index.js';
import { utf8 } from './helpers.js';

async function collect(readable: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of readable) out.push(item);
  return out;
}

describe('decode streams', () => {
  it('NdjsonDecodeStream emits values, framing-error for bad lines, null-message for null', async () => {
    const stream = new NdjsonDecodeStream({ maxLineBytes: 100 });
    const errors: string[] = [];
    let nulls = 0;
    stream.on('framing-error', (e: FramingError) => errors.push(e.code));
    stream.on('null-message', () => nulls++);
    const values = collect(stream);
    Readable.from([utf8('{"a":1}\nbad\n'), utf8('null\n[2'), utf8(']\n')]).pipe(stream);
    expect(await values).toEqual([{ a: 1 }, [2]]);
    expect(errors).toEqual(['INVALID_JSON']);
    expect(nulls).toBe(1);
  });

  it('a fatal error destroys the stream with that error', async () => {
    const stream = new NdjsonDecodeStream({ maxLineBytes: 4 });
    const failure = once(stream, 'error');
    stream.resume();
    stream.write(utf8('1\n123456'));
    const [error] = (await failure) as [FramingError];
    expect(error).toMatchObject({ code: 'FRAME_TOO_LARGE', fatal: true });
  });

  it('TRUNCATED at end of input is an error', async () => {
    const stream = new JsonStreamDecodeStream({ maxValueBytes: 100 });
    const result = pipeline(Readable.from([utf8('{"a":1}{"b"')]), stream, async (source) => collect(source));
    await expect(result).rejects.toMatchObject({ code: 'TRUNCATED' });
  });

  it('an exception thrown by a framing-error listener destroys the stream instead of escaping', async () => {
    const stream = new JsonStreamDecodeStream({ maxValueBytes: 100 });
    stream.on('framing-error', () => {
      throw new Error('listener failed');
    });
    const failure = once(stream, 'error');
    stream.resume();
    stream.write(utf8('oops\n'));
    const [error] = await failure;
    expect(error).toMatchObject({ message: 'listener failed' });
  });

  it('LengthPrefixedDecodeStream emits payload Buffers', async () => {
    const stream = new LengthPrefixedDecodeStream({ maxFrameBytes: 100 });
    const frames = Buffer.concat([encodeLengthPrefixed('one'), encodeLengthPrefixed('two')]);
    const values = collect(stream);
    Readable.from([frames.subarray(0, 5), frames.subarray(5)]).pipe(stream);
    expect(((await values) as Buffer[]).map((b) => b.toString())).toEqual(['one', 'two']);
  });
});

describe('encode streams', () => {
  it('NdjsonEncodeStream round-trips through NdjsonDecodeStream', async () => {
    const encoder = new NdjsonEncodeStream();
    const decoder = new NdjsonDecodeStream({ maxLineBytes: 100 });
    const values = collect(decoder);
    await pipeline(Readable.from([{ a: 1 }, [1, 2], 'x']), encoder, decoder);
    expect(await values).toEqual([{ a: 1 }, [1, 2], 'x']);
  });

  it('LengthPrefixedEncodeStream frames each write, raw or as JSON', async () => {
    const raw = new LengthPrefixedEncodeStream();
    const rawOut = collect(raw);
    raw.end(utf8('hi'));
    expect(Buffer.concat((await rawOut) as Buffer[]).toString('hex')).toBe('000000026869');

    const json = new LengthPrefixedEncodeStream({ json: true });
    const decoder = new LengthPrefixedDecodeStream({ maxFrameBytes: 100 });
    const values = collect(decoder);
    await pipeline(Readable.from([{ type: 'ping' }, { type: 'echo' }]), json, decoder);
    expect(((await values) as Buffer[]).map((b) => JSON.parse(b.toString()))).toEqual([
      { type: 'ping' },
      { type: 'echo' },
    ]);
  });

  it('LengthPrefixedEncodeStream rejects a non-bytes payload without json', async () => {
    const raw = new LengthPrefixedEncodeStream();
    const failure = once(raw, 'error');
    raw.write({ not: 'bytes' });
    const [error] = await failure;
    expect(error).toBeInstanceOf(TypeError);
  });
});
