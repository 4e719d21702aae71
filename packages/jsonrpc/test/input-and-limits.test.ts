import { describe, expect, it } from 'vitest';
import { JsonRpcEngine, jsonRpcEngineDefaults } from '../src/index.js';
import { call, specEngine } from './fixtures.js';

const invalidRequest = { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null };
const parseError = { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null };

function request(id: number): string {
  return `{"jsonrpc":"2.0","method":"sum","params":[${id}],"id":${id}}`;
}

describe('request validation', () => {
  it.each([
    ['not an object', '42'],
    ['a string', '"hello"'],
    ['null', 'null'],
    ['no jsonrpc member', '{"method":"sum","params":[1]}'],
    ['jsonrpc 2 as a number', '{"jsonrpc":2.0,"method":"sum"}'],
    ['method not a string', '{"jsonrpc":"2.0","method":null}'],
    ['method missing', '{"jsonrpc":"2.0","params":[1]}'],
    ['params a string', '{"jsonrpc":"2.0","method":"sum","params":"1,2"}'],
    ['params a number', '{"jsonrpc":"2.0","method":"sum","params":3}'],
    ['params null', '{"jsonrpc":"2.0","method":"sum","params":null}'],
  ])('rejects %s with Invalid Request, id null', async (_name, text) => {
    const { engine } = specEngine();
    expect(await call(engine, text)).toEqual(invalidRequest);
  });

  it('echoes the id of an invalid request when the id itself is valid', async () => {
    const { engine } = specEngine();
    expect(await call(engine, '{"jsonrpc":"2.0","method":1,"id":"req-7"}')).toEqual({
      ...invalidRequest,
      id: 'req-7',
    });
    expect(await call(engine, '{"jsonrpc":"2.0","method":"sum","params":1,"id":8}')).toEqual({
      ...invalidRequest,
      id: 8,
    });
  });

  it.each([
    ['an object', '{"a":1}'],
    ['an array', '[1]'],
    ['a boolean', 'true'],
  ])('rejects an id that is %s and answers with id null', async (_name, id) => {
    const { engine } = specEngine();
    expect(await call(engine, `{"jsonrpc":"2.0","method":"sum","params":[1],"id":${id}}`)).toEqual(
      invalidRequest,
    );
  });

  it('accepts string, integer, fractional and negative ids and echoes them exactly', async () => {
    const { engine } = specEngine();
    for (const id of ['"abc"', '""', '0', '-5', '1.5', '9007199254740991']) {
      const reply = await call(engine, `{"jsonrpc":"2.0","method":"sum","params":[1],"id":${id}}`);
      expect(reply).toEqual({ jsonrpc: '2.0', result: 1, id: JSON.parse(id) });
    }
  });

  it('ignores extra members of a request', async () => {
    const { engine } = specEngine();
    expect(await call(engine, '{"jsonrpc":"2.0","method":"sum","params":[2],"id":1,"meta":{"x":1}}')).toEqual(
      {
        jsonrpc: '2.0',
        result: 2,
        id: 1,
      },
    );
  });

  it('treats method names such as __proto__ and toString as unknown methods', async () => {
    const { engine } = specEngine();
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'rpc.discover']) {
      expect(await call(engine, `{"jsonrpc":"2.0","method":"${name}","id":1}`)).toEqual({
        jsonrpc: '2.0',
        error: { code: -32601, message: 'Method not found' },
        id: 1,
      });
    }
  });

  it('serves a method registered under a name like __proto__', async () => {
    const engine = new JsonRpcEngine().register('__proto__', { handler: () => 'odd but fine' });
    expect(await call(engine, '{"jsonrpc":"2.0","method":"__proto__","id":1}')).toEqual({
      jsonrpc: '2.0',
      result: 'odd but fine',
      id: 1,
    });
  });

  it('names the method when methodNotFoundDetail is set, cutting very long names', async () => {
    const { engine } = specEngine({ methodNotFoundDetail: true });
    expect(await call(engine, '{"jsonrpc":"2.0","method":"invalid_method","id":1}')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found: invalid_method' },
      id: 1,
    });
    const long = 'x'.repeat(1000);
    const reply = (await call(engine, `{"jsonrpc":"2.0","method":"${long}","id":2}`)) as {
      error: { message: string };
    };
    expect(reply.error.message).toBe(`Method not found: ${'x'.repeat(128)}…`);
  });
});

describe('parse errors', () => {
  it.each([
    ['empty text', ''],
    ['whitespace', '   '],
    ['truncated object', '{"jsonrpc":"2.0"'],
    ['trailing garbage', '{"jsonrpc":"2.0","method":"sum","id":1} x'],
    ['two values', '{} {}'],
    ['single quotes', "{'jsonrpc':'2.0'}"],
    ['an HTTP request line', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'],
  ])('answers %s with Parse error', async (_name, text) => {
    const { engine } = specEngine();
    expect(await call(engine, text)).toEqual(parseError);
  });

  it('answers bytes that are not UTF-8 with Parse error', async () => {
    const { engine } = specEngine();
    const bad = [
      Uint8Array.from([0xff, 0xfe, 0x7b, 0x7d]),
      Buffer.concat([
        Buffer.from('{"jsonrpc":"2.0","method":"sum","params":["'),
        Buffer.from([0xc3]),
        Buffer.from('"],"id":1}'),
      ]),
      Uint8Array.from([0xed, 0xa0, 0x80]), // an encoded surrogate
      // A byte order mark is kept in the text, where JSON.parse refuses it (as it does in a string).
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('{"jsonrpc":"2.0","method":"sum","id":1}'),
      ]),
    ];
    for (const bytes of bad) {
      const reply = await engine.handle(bytes);
      expect(JSON.parse(reply ?? '')).toEqual(parseError);
    }
  });

  it('decodes UTF-8 bytes, including a view into a larger buffer', async () => {
    const engine = new JsonRpcEngine().register('echo', { handler: (params: unknown) => params });
    const text = '{"jsonrpc":"2.0","method":"echo","params":["héllo €𝄞"],"id":1}';
    const padded = Buffer.concat([Buffer.from('xxxx'), Buffer.from(text), Buffer.from('yyyy')]);
    const view = padded.subarray(4, padded.length - 4);
    expect(JSON.parse((await engine.handle(view)) ?? '')).toEqual({
      jsonrpc: '2.0',
      result: ['héllo €𝄞'],
      id: 1,
    });
    const plain = new Uint8Array(new TextEncoder().encode(text));
    expect(JSON.parse((await engine.handle(plain)) ?? '')).toEqual({
      jsonrpc: '2.0',
      result: ['héllo €𝄞'],
      id: 1,
    });
  });
});

describe('batch limit', () => {
  it('accepts exactly maxBatch requests', async () => {
    const { engine } = specEngine({ maxBatch: 5 });
    const text = `[${[1, 2, 3, 4, 5].map(request).join(',')}]`;
    const reply = (await call(engine, text)) as unknown[];
    expect(reply).toHaveLength(5);
  });

  it('answers a longer batch with one BATCH_TOO_LARGE error and runs none of it', async () => {
    const { engine, calls } = specEngine({ maxBatch: 5 });
    const items = [1, 2, 3, 4, 5].map(request);
    items.push('{"jsonrpc":"2.0","method":"notify_hello","params":[1]}');
    expect(await call(engine, `[${items.join(',')}]`)).toEqual({
      jsonrpc: '2.0',
      error: { code: -32010, message: 'Batch too large', data: { length: 6, max: 5 } },
      id: null,
    });
    expect(calls).toEqual([]);
  });

  it('defaults to 100', async () => {
    expect(jsonRpcEngineDefaults.maxBatch).toBe(100);
    const { engine } = specEngine();
    const ok = Array.from({ length: 100 }, (_, i) => request(i));
    expect((await call(engine, `[${ok.join(',')}]`)) as unknown[]).toHaveLength(100);
    const tooMany = Array.from({ length: 101 }, (_, i) => request(i));
    expect(await call(engine, `[${tooMany.join(',')}]`)).toMatchObject({ error: { code: -32010 } });
  });
});

describe('depth limit', () => {
  function nested(depth: number): string {
    // depth counts the request object itself: params adds one level, each array inside one more.
    return `{"jsonrpc":"2.0","method":"echo","params":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)},"id":1}`;
  }

  it('accepts nesting up to maxDepth and rejects one level more with Invalid Request', async () => {
    const engine = new JsonRpcEngine({ maxDepth: 8 }).register('echo', {
      handler: (params: unknown) => params,
    });
    expect(await call(engine, nested(8))).toMatchObject({ id: 1, result: expect.any(Array) });
    expect(await call(engine, nested(9))).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request: nesting deeper than 8 levels' },
      id: null,
    });
  });

  it('does not count brackets inside strings', async () => {
    const engine = new JsonRpcEngine({ maxDepth: 3 }).register('echo', {
      handler: (params: unknown) => params,
    });
    const text = `{"jsonrpc":"2.0","method":"echo","params":["${'[{'.repeat(50)}\\"[["],"id":1}`;
    expect(await call(engine, text)).toEqual({ jsonrpc: '2.0', result: [`${'[{'.repeat(50)}"[[`], id: 1 });
  });

  it('survives hostile depth (100 000 levels) in text and as a value, without a crash', async () => {
    const { engine } = specEngine();
    const deepText = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(await call(engine, deepText)).toMatchObject({ error: { code: -32600 }, id: null });
    const unbalanced = '{"a":'.repeat(100_000);
    expect(await call(engine, unbalanced)).toMatchObject({ error: { code: -32600 }, id: null });
    let value: unknown = 1;
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(await engine.handleValue(value)).toMatchObject({ error: { code: -32600 }, id: null });
  });

  it('answers -32603 when a handler returns something too deep to serialise', async () => {
    const engine = new JsonRpcEngine().register('deep', {
      handler: () => {
        let value: unknown = 1;
        for (let i = 0; i < 50_000; i++) value = [value];
        return value;
      },
    });
    expect(await call(engine, '{"jsonrpc":"2.0","method":"deep","id":1}')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32603, message: 'Internal error' },
      id: 1,
    });
  });
});

describe('options', () => {
  it.each([
    ['maxBatch', 0],
    ['maxBatch', -1],
    ['maxBatch', 1.5],
    ['maxDepth', 0],
    ['maxDepth', Number.NaN],
  ])('rejects %s = %s naming the option', (name, value) => {
    expect(() => new JsonRpcEngine({ [name]: value })).toThrow(name);
  });

  it('accepts Infinity as "no limit"', () => {
    expect(() => new JsonRpcEngine({ maxBatch: Number.POSITIVE_INFINITY })).not.toThrow();
  });
});
