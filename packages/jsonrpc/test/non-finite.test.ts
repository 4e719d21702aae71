import { describe, expect, it } from 'vitest';
import { JsonRpcEngine } from '../src/index.js';

function engine(): JsonRpcEngine<undefined> {
  return new JsonRpcEngine<undefined>().register('echo', { handler: (params: unknown) => params ?? null });
}

const invalid = { jsonrpc: '2.0', id: null, error: { code: -32600 } };

describe('numbers JSON cannot carry', () => {
  it.each([
    '{"jsonrpc":"2.0","method":"echo","params":[1e400],"id":1}',
    '{"jsonrpc":"2.0","method":"echo","params":{"a":[{"b":-1e400}]},"id":1}',
    '{"jsonrpc":"2.0","method":"echo","id":1e400}',
    '{"jsonrpc":"2.0","method":"echo","params":[1e400]}',
  ])('respond(%s) is -32600 with id null, never a null in the result', async (text) => {
    const reply = JSON.parse(String(await engine().respond(text, undefined))) as unknown;
    expect(reply).toMatchObject(invalid);
  });

  it('a batch answers the member that holds it and runs the others', async () => {
    const text =
      '[{"jsonrpc":"2.0","method":"echo","params":[1e400],"id":1},{"jsonrpc":"2.0","method":"echo","params":[2e3],"id":2}]';
    const reply = JSON.parse(String(await engine().respond(Buffer.from(text), undefined))) as unknown;
    expect(reply).toEqual([
      {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: 'Invalid Request: a number outside the range of a double' },
      },
      { jsonrpc: '2.0', id: 2, result: [2000] },
    ]);
  });

  it('handleValue checks values a transport parsed itself', async () => {
    const reply = await engine().handleValue(
      { jsonrpc: '2.0', method: 'echo', params: [Infinity], id: 1 },
      undefined,
    );
    expect(reply).toMatchObject(invalid);
  });
});
