import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineMethod, JsonRpcEngine, namedParams, type ParamFields } from '../src/index.js';
import { call } from './fixtures.js';

const params = namedParams({
  minuend: { type: 'number', description: 'what to subtract from' },
  subtrahend: 'number',
  label: { type: 'string', optional: true },
});

function invalid(message: string, id = 1): unknown {
  return { jsonrpc: '2.0', error: { code: -32602, message: `Invalid params: ${message}` }, id };
}

describe('namedParams', () => {
  it('types the parsed params', () => {
    expectTypeOf(params.parse).returns.toEqualTypeOf<{
      minuend: number;
      subtrahend: number;
      label?: string;
    }>();
  });

  it('reads params by name and by position', () => {
    expect(params.parse({ subtrahend: 23, minuend: 42 })).toEqual({ minuend: 42, subtrahend: 23 });
    expect(params.parse([42, 23])).toEqual({ minuend: 42, subtrahend: 23 });
    expect(params.parse([42, 23, 'x'])).toEqual({ minuend: 42, subtrahend: 23, label: 'x' });
    expect(params.parse({ minuend: 1, subtrahend: 2, label: 'y' })).toEqual({
      minuend: 1,
      subtrahend: 2,
      label: 'y',
    });
  });

  it('answers bad params with -32602 naming the parameter', async () => {
    const engine = new JsonRpcEngine().register(
      'subtract',
      defineMethod({ params, handler: ({ minuend, subtrahend }) => minuend - subtrahend }),
    );
    const send = (p: string) => call(engine, `{"jsonrpc":"2.0","method":"subtract","params":${p},"id":1}`);
    expect(await send('[42, 23]')).toEqual({ jsonrpc: '2.0', result: 19, id: 1 });
    expect(await send('[42]')).toEqual(invalid('missing parameter "subtrahend"'));
    expect(await send('{"minuend": 42}')).toEqual(invalid('missing parameter "subtrahend"'));
    expect(await send('[42, "23"]')).toEqual(invalid('"subtrahend" must be a finite number'));
    expect(await send('[42, 23, "a", 4]')).toEqual(invalid('expected at most 3 parameters'));
    expect(await send('{"minuend": 1, "subtrahend": 2, "extra": 3}')).toEqual(
      invalid('unknown parameter "extra"'),
    );
    expect(await send('{"minuend": 1, "subtrahend": 2, "label": null}')).toEqual(
      invalid('"label" must be a string'),
    );
    expect(await call(engine, '{"jsonrpc":"2.0","method":"subtract","id":1}')).toEqual(
      invalid('missing parameter "minuend"'),
    );
  });

  it('checks every type', () => {
    const all = namedParams({
      s: 'string',
      n: 'number',
      i: 'integer',
      b: 'boolean',
      o: 'object',
      a: 'array',
      x: 'any',
    });
    const good = { s: '', n: 1.5, i: -3, b: false, o: {}, a: [], x: null };
    expect(all.parse(good)).toEqual(good);
    for (const [key, bad] of [
      ['s', 1],
      ['n', '1'],
      ['i', 1.5],
      ['b', 0],
      ['o', []],
      ['o', null],
      ['a', {}],
    ] as const) {
      expect(() => all.parse({ ...good, [key]: bad })).toThrow(`"${key}" must be`);
    }
  });

  it('keeps __proto__ and constructor as ordinary parameter names', () => {
    // A literal `{ __proto__: ... }` would set the prototype, so build the fields from entries.
    const fields: ParamFields = Object.fromEntries([
      ['__proto__', 'string'],
      ['constructor', 'number'],
    ]);
    const odd = namedParams(fields);
    const parsed = odd.parse(JSON.parse('{"__proto__": "p", "constructor": 1}'));
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(['__proto__', 'constructor']);
    expect(() => odd.parse({ toString: 'x' })).toThrow('unknown parameter "toString"');
  });

  it('describes itself as a JSON Schema for discovery', () => {
    expect(params.schema).toEqual({
      type: 'object',
      properties: {
        minuend: { type: 'number', description: 'what to subtract from' },
        subtrahend: { type: 'number' },
        label: { type: 'string' },
      },
      required: ['minuend', 'subtrahend'],
      additionalProperties: false,
    });
    const engine = new JsonRpcEngine().register('subtract', { params, handler: () => 0 });
    expect(engine.discover({ title: 't', version: '1' }).methods[0]?.params).toEqual([
      {
        name: 'minuend',
        schema: { type: 'number', description: 'what to subtract from' },
        required: true,
        description: 'what to subtract from',
      },
      { name: 'subtrahend', schema: { type: 'number' }, required: true },
      { name: 'label', schema: { type: 'string' }, required: false },
    ]);
  });
});
