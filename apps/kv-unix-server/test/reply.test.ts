import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonText, KvStore } from '../src/index.js';
import { encodeReply, errorReply, successReply } from '../src/server/reply.js';

const STAMP = '2024-01-01T12:00:00.123Z';
const requestId = fc.option(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { nil: undefined });

describe('encodeReply', () => {
  it('is JSON.stringify of the reply object, with its newline, keys in wire order', () => {
    const ok = encodeReply(successReply('abc', STAMP, { echo: 'm' }));
    expect(ok).toBe(
      '{"type":"response","success":true,"request_id":"abc","timestamp":"2024-01-01T12:00:00.123Z","data":{"echo":"m"}}\n',
    );
    const failed = encodeReply(errorReply(undefined, STAMP, 'KEY_NOT_FOUND', 'gone'));
    expect(failed).toBe(
      '{"type":"response","success":false,"timestamp":"2024-01-01T12:00:00.123Z","error":{"code":"KEY_NOT_FOUND","message":"gone"}}\n',
    );
  });

  it('writes JsonText members of data verbatim, after the other members', () => {
    const line = encodeReply(
      successReply(undefined, STAMP, { value: new JsonText('{"a":[1,2]}'), key: 'k' }),
    );
    expect(line).toBe(
      '{"type":"response","success":true,"timestamp":"2024-01-01T12:00:00.123Z","data":{"key":"k","value":{"a":[1,2]}}}\n',
    );
    const only = encodeReply(successReply(7, STAMP, { 'v"\\': new JsonText('1') }));
    expect(JSON.parse(only)).toStrictEqual({
      type: 'response',
      success: true,
      request_id: 7,
      timestamp: STAMP,
      data: { 'v"\\': 1 },
    });
  });

  it('gives the same line as serialising the parsed values, for any values, keys and request ids', () => {
    fc.assert(
      fc.property(requestId, fc.string(), fc.jsonValue(), fc.jsonValue(), (id, key, other, stored) => {
        const text = JSON.stringify(stored);
        const spliced = encodeReply(successReply(id, STAMP, { key, other, value: new JsonText(text) }));
        const plain = encodeReply(successReply(id, STAMP, { key, other, value: JSON.parse(text) }));
        expect(spliced).toBe(plain);
      }),
    );
  });

  it('the store hands every stored value out as JsonText, its JSON text as stored', () => {
    const store = new KvStore({ maxKeyBytes: 64, maxKeys: 10, maxTotalBytes: 1000 });
    for (const value of ['s', 0, -1.5, true, null, [1, { a: 'b' }], { nested: { deep: [] } }]) {
      store.set('k', value);
      const read = store.read('k');
      expect(read).toBeInstanceOf(JsonText);
      expect(read?.text).toBe(JSON.stringify(value));
    }
    expect(store.read('missing')).toBeUndefined();
  });
});
