import { ProtocolError } from '@sockworks/error-codes';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineMethod, invalidParams, JsonRpcEngine, type MethodDefinition } from '../src/index.js';
import { call, specEngine, subtract } from './fixtures.js';

describe('invalidParams and params parsing', () => {
  it('builds a -32602 ProtocolError whose message begins with "Invalid params"', () => {
    const plain = invalidParams();
    expect(ProtocolError.is(plain)).toBe(true);
    expect(plain.toJSON()).toEqual({ code: -32602, message: 'Invalid params' });
    expect(invalidParams('x must be a number', { field: 'x' }).toJSON()).toEqual({
      code: -32602,
      message: 'Invalid params: x must be a number',
      data: { field: 'x' },
    });
  });

  it('answers params rejected by parse with -32602 and its message and data', async () => {
    const engine = new JsonRpcEngine().register(
      'square',
      defineMethod({
        params: {
          schema: { type: 'array', prefixItems: [{ type: 'number', title: 'x' }] },
          parse(params: unknown): number {
            const x = Array.isArray(params) ? params[0] : undefined;
            if (typeof x !== 'number') throw invalidParams('x must be a number', { field: 'x' });
            return x;
          },
        },
        handler: (x) => x * x,
      }),
    );
    expect(await call(engine, '{"jsonrpc":"2.0","method":"square","params":[3],"id":1}')).toEqual({
      jsonrpc: '2.0',
      result: 9,
      id: 1,
    });
    expect(await call(engine, '{"jsonrpc":"2.0","method":"square","params":["3"],"id":2}')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32602, message: 'Invalid params: x must be a number', data: { field: 'x' } },
      id: 2,
    });
    expect(await call(engine, '{"jsonrpc":"2.0","method":"square","id":3}')).toMatchObject({
      error: { code: -32602 },
    });
  });

  it('does not run the handler when parse fails', async () => {
    let ran = false;
    const engine = new JsonRpcEngine().register('m', {
      params: {
        schema: {},
        parse: () => {
          throw invalidParams();
        },
      },
      handler: () => {
        ran = true;
      },
    });
    await engine.handle('{"jsonrpc":"2.0","method":"m","id":1}');
    expect(ran).toBe(false);
  });

  it('answers a validator library error thrown by parse with plain "Invalid params" (no text leak)', async () => {
    const engine = new JsonRpcEngine().register('m', {
      params: {
        schema: {},
        parse: () => {
          throw new TypeError('internal validator detail');
        },
      },
      handler: () => 1,
    });
    expect(await call(engine, '{"jsonrpc":"2.0","method":"m","params":[],"id":1}')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32602, message: 'Invalid params' },
      id: 1,
    });
  });

  it('sends nothing for a notification with invalid params', async () => {
    const { engine } = specEngine();
    expect(await engine.handle('{"jsonrpc":"2.0","method":"subtract","params":["a"]}')).toBeUndefined();
  });

  it('gives a method without a params definition the raw params', async () => {
    const seen: unknown[] = [];
    const engine = new JsonRpcEngine().register('raw', {
      handler: (params: unknown) => {
        seen.push(params);
        return null;
      },
    });
    await engine.handle('{"jsonrpc":"2.0","method":"raw","id":1}');
    await engine.handle('{"jsonrpc":"2.0","method":"raw","params":[1],"id":2}');
    await engine.handle('{"jsonrpc":"2.0","method":"raw","params":{"a":1},"id":3}');
    expect(seen).toEqual([undefined, [1], { a: 1 }]);
  });

  it('infers typed params and results in defineMethod', () => {
    expectTypeOf(subtract).toEqualTypeOf<
      MethodDefinition<{ minuend: number; subtrahend: number }, number, unknown>
    >();
  });
});

describe('context', () => {
  it('passes the caller context to handlers unchanged, whatever its value', async () => {
    const engine = new JsonRpcEngine<unknown>().register('ctx', {
      handler: (_p: unknown, ctx: unknown) => ctx,
    });
    for (const ctx of [{ user: 'ann' }, 0, '', null, undefined, false]) {
      const reply = await engine.handleValue({ jsonrpc: '2.0', method: 'ctx', id: 1 }, ctx);
      expect(reply).toEqual({ jsonrpc: '2.0', result: ctx ?? null, id: 1 });
    }
  });

  it('types ctx from the engine', () => {
    interface Conn {
      id: number;
    }
    const engine = new JsonRpcEngine<Conn>().register('whoami', {
      handler: (_p: unknown, ctx: Conn) => ctx.id,
    });
    expectTypeOf(engine.handle).parameter(1).toEqualTypeOf<Conn>();
    // With the default context (void) the context argument can be left out.
    expectTypeOf(new JsonRpcEngine().handle).toBeCallableWith('{}');
  });
});

describe('handleValue', () => {
  it('answers parsed messages with response objects', async () => {
    const { engine } = specEngine();
    expect(await engine.handleValue({ jsonrpc: '2.0', method: 'subtract', params: [42, 23], id: 1 })).toEqual(
      {
        jsonrpc: '2.0',
        result: 19,
        id: 1,
      },
    );
    expect(await engine.handleValue([])).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request' },
      id: null,
    });
    expect(await engine.handleValue([{ jsonrpc: '2.0', method: 'update', params: [1] }])).toBeUndefined();
    expect(
      await engine.handleValue({ jsonrpc: '2.0', method: 'sum', params: [1], id: Number.NaN }),
    ).toMatchObject({
      error: { code: -32600 },
      id: null,
    });
  });

  it('does not loop on cyclic values', async () => {
    const { engine } = specEngine();
    const params: unknown[] = [];
    params.push(params);
    expect(await engine.handleValue({ jsonrpc: '2.0', method: 'get_data', params, id: 1 })).toEqual({
      jsonrpc: '2.0',
      result: ['hello', 5],
      id: 1,
    });
  });

  it('never rejects, even for a value whose getters throw', async () => {
    const { engine } = specEngine();
    const hostile = {
      get jsonrpc(): string {
        throw new Error('boom');
      },
    };
    expect(await engine.handleValue(hostile)).toEqual({
      jsonrpc: '2.0',
      error: { code: -32603, message: 'Internal error' },
      id: null,
    });
  });
});

describe('batches', () => {
  it('runs async handlers concurrently and keeps the responses in request order', async () => {
    const order: string[] = [];
    let releaseSlow: () => void = () => {};
    const slowGate = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    const engine = new JsonRpcEngine()
      .register('slow', {
        handler: async () => {
          await slowGate;
          order.push('slow');
          return 'slow';
        },
      })
      .register('fast', {
        handler: () => {
          order.push('fast');
          releaseSlow();
          return 'fast';
        },
      });
    const reply = await call(
      engine,
      '[{"jsonrpc":"2.0","method":"slow","id":1},{"jsonrpc":"2.0","method":"fast","id":2}]',
    );
    expect(order).toEqual(['fast', 'slow']);
    expect(reply).toEqual([
      { jsonrpc: '2.0', result: 'slow', id: 1 },
      { jsonrpc: '2.0', result: 'fast', id: 2 },
    ]);
  });

  it('answers duplicate ids once each', async () => {
    const { engine } = specEngine();
    expect(
      await call(
        engine,
        '[{"jsonrpc":"2.0","method":"sum","params":[1],"id":1},{"jsonrpc":"2.0","method":"sum","params":[2],"id":1}]',
      ),
    ).toEqual([
      { jsonrpc: '2.0', result: 1, id: 1 },
      { jsonrpc: '2.0', result: 2, id: 1 },
    ]);
  });
});

describe('register', () => {
  it('rejects empty, duplicate and reserved names and missing handlers', () => {
    const engine = new JsonRpcEngine().register('a', { handler: () => 1 });
    expect(() => engine.register('', { handler: () => 1 })).toThrow(TypeError);
    expect(() => engine.register('a', { handler: () => 2 })).toThrow(/already registered/);
    expect(() => engine.register('rpc.custom', { handler: () => 1 })).toThrow(/reserved/);
    expect(() => engine.register('b', {} as MethodDefinition<unknown, unknown, void>)).toThrow(/handler/);
    expect([...engine.methods.keys()]).toEqual(['a']);
  });

  it('exposes the registered definitions', () => {
    const { engine } = specEngine();
    expect([...engine.methods.keys()]).toEqual(['subtract', 'sum', 'get_data', 'notify_hello', 'update']);
    expect(engine.methods.get('subtract')?.description).toBe('Subtracts subtrahend from minuend.');
  });
});

describe('respond(): the same replies as handle(), synchronously when it can be', () => {
  const engine = new JsonRpcEngine()
    .register('ping', { handler: () => 'pong' })
    .register('later', { handler: async () => 'done' });

  it('returns the reply text itself for synchronous methods, parse errors and notifications', () => {
    expect(engine.respond('{"jsonrpc":"2.0","method":"ping","id":1}', undefined)).toBe(
      '{"jsonrpc":"2.0","id":1,"result":"pong"}',
    );
    expect(engine.respond('{"jsonrpc":"2.0","method":"ping"}', undefined)).toBeUndefined();
    expect(engine.respond('{"jsonrpc"', undefined)).toBe(
      '{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}',
    );
    expect(engine.respond(Buffer.from([0xff, 0xfe]), undefined)).toMatch(/-32700/);
  });

  it('returns a Promise when a method is async, alone or in a batch', async () => {
    const single = engine.respond('{"jsonrpc":"2.0","method":"later","id":2}', undefined);
    expect(single).toBeInstanceOf(Promise);
    expect(await single).toBe('{"jsonrpc":"2.0","id":2,"result":"done"}');
    const batch = engine.respond(
      '[{"jsonrpc":"2.0","method":"ping","id":3},{"jsonrpc":"2.0","method":"later","id":4}]',
      undefined,
    );
    expect(batch).toBeInstanceOf(Promise);
    expect(JSON.parse((await batch) ?? '')).toEqual([
      { jsonrpc: '2.0', id: 3, result: 'pong' },
      { jsonrpc: '2.0', id: 4, result: 'done' },
    ]);
  });

  it('agrees with handle() on every reply', async () => {
    for (const raw of [
      '{"jsonrpc":"2.0","method":"nope","id":5}',
      '[]',
      '[1]',
      '{"jsonrpc":"2.0","method":"ping","id":null}',
    ]) {
      expect(await engine.respond(raw, undefined), raw).toBe(await engine.handle(raw, undefined));
    }
  });

  it('keeps each reply with its own call when a handler calls the engine itself', async () => {
    const nested: JsonRpcEngine = new JsonRpcEngine()
      .register('ping', { handler: () => 'pong' })
      .register('later', { handler: async () => 'done' })
      .register('inner', { handler: () => nested.respond('{"jsonrpc":"2.0","method":"ping","id":9}') })
      .register('innerLater', {
        handler: async () => nested.respond('{"jsonrpc":"2.0","method":"later","id":8}'),
      });
    expect(nested.respond('{"jsonrpc":"2.0","method":"inner","id":1}', undefined)).toBe(
      '{"jsonrpc":"2.0","id":1,"result":"{\\"jsonrpc\\":\\"2.0\\",\\"id\\":9,\\"result\\":\\"pong\\"}"}',
    );
    const batch = nested.respond(
      '[{"jsonrpc":"2.0","method":"innerLater","id":1},{"jsonrpc":"2.0","method":"later","id":2},' +
        '{"jsonrpc":"2.0","method":"inner","id":3}]',
      undefined,
    );
    expect(JSON.parse((await batch) ?? '')).toEqual([
      { jsonrpc: '2.0', id: 1, result: '{"jsonrpc":"2.0","id":8,"result":"done"}' },
      { jsonrpc: '2.0', id: 2, result: 'done' },
      { jsonrpc: '2.0', id: 3, result: '{"jsonrpc":"2.0","id":9,"result":"pong"}' },
    ]);
  });
});
