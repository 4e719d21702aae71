import { describe, expect, it } from 'vitest';
import { call, specEngine } from './fixtures.js';

// JSON-RPC 2.0 specification, section 7 "Examples", every one of them ("-->" request, "<--" reply).
describe('JSON-RPC 2.0 specification section 7 examples', () => {
  it('rpc call with positional parameters', async () => {
    const { engine } = specEngine();
    expect(
      await call(engine, '{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}'),
    ).toEqual({
      jsonrpc: '2.0',
      result: 19,
      id: 1,
    });
    expect(
      await call(engine, '{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}'),
    ).toEqual({
      jsonrpc: '2.0',
      result: -19,
      id: 2,
    });
  });

  it('rpc call with named parameters', async () => {
    const { engine } = specEngine();
    expect(
      await call(
        engine,
        '{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}',
      ),
    ).toEqual({ jsonrpc: '2.0', result: 19, id: 3 });
    expect(
      await call(
        engine,
        '{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}',
      ),
    ).toEqual({ jsonrpc: '2.0', result: 19, id: 4 });
  });

  it('a Notification', async () => {
    const { engine, calls } = specEngine();
    expect(
      await engine.handle('{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}'),
    ).toBeUndefined();
    expect(await engine.handle('{"jsonrpc": "2.0", "method": "foobar"}')).toBeUndefined();
    expect(calls).toEqual(['update [1,2,3,4,5]']);
  });

  it('rpc call of non-existent method', async () => {
    const { engine } = specEngine();
    expect(await call(engine, '{"jsonrpc": "2.0", "method": "foobar", "id": "1"}')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found' },
      id: '1',
    });
  });

  it('rpc call with invalid JSON', async () => {
    const { engine } = specEngine();
    expect(await call(engine, '{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error' },
      id: null,
    });
  });

  it('rpc call with invalid Request object', async () => {
    const { engine } = specEngine();
    expect(await call(engine, '{"jsonrpc": "2.0", "method": 1, "params": "bar"}')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request' },
      id: null,
    });
  });

  it('rpc call Batch, invalid JSON', async () => {
    const { engine } = specEngine();
    const text = `[
      {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
      {"jsonrpc": "2.0", "method"
    ]`;
    expect(await call(engine, text)).toEqual({
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error' },
      id: null,
    });
  });

  it('rpc call with an empty Array', async () => {
    const { engine } = specEngine();
    expect(await call(engine, '[]')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request' },
      id: null,
    });
  });

  it('rpc call with an invalid Batch (but not empty)', async () => {
    const { engine } = specEngine();
    expect(await call(engine, '[1]')).toEqual([
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
    ]);
  });

  it('rpc call with invalid Batch', async () => {
    const { engine } = specEngine();
    const invalid = { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null };
    expect(await call(engine, '[1,2,3]')).toEqual([invalid, invalid, invalid]);
  });

  it('rpc call Batch', async () => {
    const { engine, calls } = specEngine();
    const text = `[
      {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
      {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
      {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
      {"foo": "boo"},
      {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
      {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
    ]`;
    expect(await call(engine, text)).toEqual([
      { jsonrpc: '2.0', result: 7, id: '1' },
      { jsonrpc: '2.0', result: 19, id: '2' },
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
      { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '5' },
      { jsonrpc: '2.0', result: ['hello', 5], id: '9' },
    ]);
    expect(calls).toEqual(['notify_hello [7]']);
  });

  it('rpc call Batch (all notifications): nothing is returned', async () => {
    const { engine, calls } = specEngine();
    const text = `[
      {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
      {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
    ]`;
    expect(await engine.handle(text)).toBeUndefined();
    expect(calls).toEqual(['notify_hello [7]']);
  });
});
