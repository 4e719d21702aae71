import { describe, expect, it } from 'vitest';
import { defineRpcMethod } from '../src/server/methods/define.js';
import { methods } from '../src/server/methods/index.js';
import { openRaw, startServer } from './helpers.js';

// A method that returns its params: what would be echoed as null if 1e400 got through.
const echo = defineRpcMethod({
  description: 'Test method: returns its params.',
  params: { schema: {}, parse: (params: unknown) => params },
  handler: (params: unknown) => params ?? null,
});

describe('numbers JSON cannot carry', () => {
  it('1e400 in params, in id or nested in a batch member is -32600 Invalid Request with id null', async () => {
    const { url } = await startServer({ methods: { ...methods, echo } });
    const raw = await openRaw(url);
    for (const text of [
      '{"jsonrpc":"2.0","method":"echo","params":{"n":1e400},"id":1}',
      '{"jsonrpc":"2.0","method":"echo","params":[[-1e400]],"id":2}',
      '{"jsonrpc":"2.0","method":"ping","id":1e400}',
      `{"jsonrpc":"2.0","method":"echo","params":[${'9'.repeat(400)}],"id":3}`,
    ]) {
      expect(await raw.request(text), text).toMatchObject({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600 },
      });
    }
    // A batch: the member holding the number gets the error, the others are answered.
    const batch = await raw.request(
      '[{"jsonrpc":"2.0","method":"ping","id":1},{"jsonrpc":"2.0","method":"echo","params":{"n":1e400},"id":2}]',
    );
    expect(batch).toEqual([
      { jsonrpc: '2.0', id: 1, result: 'pong' },
      { jsonrpc: '2.0', id: null, error: expect.objectContaining({ code: -32600 }) },
    ]);
    expect(await raw.request('{"jsonrpc":"2.0","method":"echo","params":[1e308],"id":9}')).toEqual({
      jsonrpc: '2.0',
      id: 9,
      result: [1e308],
    });
  });
});
