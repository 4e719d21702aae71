import { describe, expect, it } from 'vitest';
import { RawClient, startServer } from './helpers.js';

describe('numbers JSON cannot carry', () => {
  it('JSON-RPC 2.0: 1e400 in params or id is -32600 Invalid Request with id null; the connection stays usable', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    c.write('{"jsonrpc":"2.0","method":"join_chat","params":{"username":"Ann"},"id":1}\n');
    expect(await c.next()).toMatchObject({ id: 1, result: expect.anything() });
    // Skip what join_chat sends besides its reply (notifications carry a method and no id).
    const reply = async (): Promise<Record<string, unknown>> => {
      for (;;) {
        const message = await c.next();
        if ('id' in message) return message;
      }
    };
    for (const line of [
      '{"jsonrpc":"2.0","method":"send_message","params":{"message":"hi","n":1e400},"id":2}',
      '{"jsonrpc":"2.0","method":"get_users","id":1e400}',
      '{"jsonrpc":"2.0","method":"get_users","params":[[-1e400]],"id":3}',
    ]) {
      c.write(`${line}\n`);
      expect(await reply(), line).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    }
    c.write('{"jsonrpc":"2.0","method":"get_users","id":4}\n');
    expect(await reply()).toMatchObject({ id: 4, result: { users: ['Ann'] } });
  });

  it('the spec protocol: 1e400 gets the -32600 error object', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    c.write('{"method":"ping","params":{"n":1e400}}\n');
    expect(await c.next()).toMatchObject({ code: -32600 });
    expect(await c.request({ method: 'ping' })).toMatchObject({ status: 'success' });
  });
});
