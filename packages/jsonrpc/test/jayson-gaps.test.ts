import { JsonRpcErrorCode, ProtocolError } from '@sockworks/error-codes';
import { describe, expect, it } from 'vitest';
import { JsonRpcEngine } from '../src/index.js';
import { call, specEngine } from './fixtures.js';

const invalidRequest = { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null };
const internalError = { code: -32603, message: 'Internal error' };

// The places where jayson alone departs from the specification, and the engine's fixes.
describe('fixes around jayson', () => {
  it('answers a nested batch element with an Invalid Request entry', async () => {
    const { engine } = specEngine();
    const text =
      '[[{"jsonrpc":"2.0","method":"sum","params":[1],"id":1}],{"jsonrpc":"2.0","method":"sum","params":[2],"id":2}]';
    expect(await call(engine, text)).toEqual([invalidRequest, { jsonrpc: '2.0', result: 2, id: 2 }]);
    expect(await call(engine, '[[]]')).toEqual([invalidRequest]);
    expect(await call(engine, '[[1,2]]')).toEqual([invalidRequest]);
  });

  it('treats "id": null as a request and replies with id null', async () => {
    const { engine } = specEngine();
    expect(await call(engine, '{"jsonrpc":"2.0","method":"subtract","params":[5,3],"id":null}')).toEqual({
      jsonrpc: '2.0',
      result: 2,
      id: null,
    });
    expect(await call(engine, '{"jsonrpc":"2.0","method":"missing","id":null}')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found' },
      id: null,
    });
    expect(await call(engine, '[{"jsonrpc":"2.0","method":"sum","params":[1,1],"id":null}]')).toEqual([
      { jsonrpc: '2.0', result: 2, id: null },
    ]);
  });

  it('turns a synchronous throw into -32603 without leaking its message', async () => {
    const engine = new JsonRpcEngine().register('boom', {
      handler: () => {
        throw new Error('secret database password');
      },
    });
    const reply = await engine.handle('{"jsonrpc":"2.0","method":"boom","id":7}');
    expect(JSON.parse(reply ?? '')).toEqual({ jsonrpc: '2.0', error: internalError, id: 7 });
    expect(reply).not.toContain('secret');
  });

  it('turns an async rejection into -32603 without leaking its message', async () => {
    const engine = new JsonRpcEngine().register('boom', {
      handler: async () => {
        await Promise.resolve();
        throw new TypeError('secret stack detail');
      },
    });
    const reply = await engine.handle('{"jsonrpc":"2.0","method":"boom","id":"a"}');
    expect(JSON.parse(reply ?? '')).toEqual({ jsonrpc: '2.0', error: internalError, id: 'a' });
    expect(reply).not.toContain('secret');
  });

  it('handles throwing notifications silently and keeps going', async () => {
    const engine = new JsonRpcEngine()
      .register('boom', {
        handler: () => {
          throw new Error('x');
        },
      })
      .register('ok', { handler: () => 'fine' });
    expect(await engine.handle('{"jsonrpc":"2.0","method":"boom"}')).toBeUndefined();
    expect(
      await call(engine, '[{"jsonrpc":"2.0","method":"boom"},{"jsonrpc":"2.0","method":"ok","id":1}]'),
    ).toEqual([{ jsonrpc: '2.0', result: 'fine', id: 1 }]);
  });

  it('never replies with an empty array', async () => {
    const { engine } = specEngine();
    expect(await engine.handle('[]')).toBe(JSON.stringify(invalidRequest));
    expect(
      await engine.handle('[{"jsonrpc":"2.0","method":"update"},{"jsonrpc":"2.0","method":"nope"}]'),
    ).toBe(undefined);
  });

  it('uses the specification wording, not jayson\'s ("Parse Error", "Invalid request")', async () => {
    const { engine } = specEngine();
    expect(await call(engine, '{')).toMatchObject({ error: { message: 'Parse error' } });
    expect(await call(engine, '{"jsonrpc":"1.0","method":"sum","id":1}')).toMatchObject({
      error: { code: -32600, message: 'Invalid Request' },
    });
  });
});

describe('handler errors', () => {
  it('maps a ProtocolError with a numeric code to its code, message and data', async () => {
    const engine = new JsonRpcEngine().register('limited', {
      handler: () => {
        throw new ProtocolError(JsonRpcErrorCode.RATE_LIMITED, 'Rate limited', {
          data: { retryAfterMs: 500 },
        });
      },
    });
    expect(await call(engine, '{"jsonrpc":"2.0","method":"limited","id":1}')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32029, message: 'Rate limited', data: { retryAfterMs: 500 } },
      id: 1,
    });
  });

  it('maps a rejected ProtocolError the same way', async () => {
    const engine = new JsonRpcEngine().register('custom', {
      handler: async () => Promise.reject(new ProtocolError(-32050, 'Camera busy')),
    });
    expect(await call(engine, '{"jsonrpc":"2.0","method":"custom","id":1}')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32050, message: 'Camera busy' },
      id: 1,
    });
  });

  it('hides a ProtocolError with a string code behind -32603', async () => {
    const engine = new JsonRpcEngine().register('kv', {
      handler: () => {
        throw new ProtocolError('KEY_NOT_FOUND', 'no such key: secret');
      },
    });
    expect(await call(engine, '{"jsonrpc":"2.0","method":"kv","id":1}')).toEqual({
      jsonrpc: '2.0',
      error: internalError,
      id: 1,
    });
  });

  it('lets mapError translate app errors and falls back when it returns undefined', async () => {
    const engine = new JsonRpcEngine({
      mapError: (error) =>
        ProtocolError.is(error) && error.code === 'NOT_JOINED'
          ? { code: -32040, message: error.message, data: { code: error.code } }
          : undefined,
    })
      .register('send', {
        handler: () => {
          throw new ProtocolError('NOT_JOINED', 'Join first');
        },
      })
      .register('crash', {
        handler: () => {
          throw new Error('private');
        },
      });
    expect(await call(engine, '{"jsonrpc":"2.0","method":"send","id":1}')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32040, message: 'Join first', data: { code: 'NOT_JOINED' } },
      id: 1,
    });
    expect(await call(engine, '{"jsonrpc":"2.0","method":"crash","id":2}')).toEqual({
      jsonrpc: '2.0',
      error: internalError,
      id: 2,
    });
  });

  it('answers -32603 for a result that cannot be serialised, without spoiling the rest of a batch', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const engine = new JsonRpcEngine()
      .register('cyclic', { handler: () => cyclic })
      .register('big', { handler: () => 10n })
      .register('fn', { handler: () => () => 1 })
      .register('ok', { handler: () => 1 });
    expect(await call(engine, '{"jsonrpc":"2.0","method":"cyclic","id":1}')).toEqual({
      jsonrpc: '2.0',
      error: internalError,
      id: 1,
    });
    const batch =
      '[{"jsonrpc":"2.0","method":"big","id":1},{"jsonrpc":"2.0","method":"ok","id":2},{"jsonrpc":"2.0","method":"fn","id":3}]';
    expect(await call(engine, batch)).toEqual([
      { jsonrpc: '2.0', error: internalError, id: 1 },
      { jsonrpc: '2.0', result: 1, id: 2 },
      { jsonrpc: '2.0', error: internalError, id: 3 },
    ]);
  });

  it('answers undefined results with null', async () => {
    const engine = new JsonRpcEngine().register('nothing', { handler: () => undefined });
    expect(await call(engine, '{"jsonrpc":"2.0","method":"nothing","id":1}')).toEqual({
      jsonrpc: '2.0',
      result: null,
      id: 1,
    });
  });
});
