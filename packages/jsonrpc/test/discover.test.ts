import { describe, expect, it } from 'vitest';
import { defineMethod, invalidParams, JsonRpcEngine, OPENRPC_VERSION } from '../src/index.js';
import { call, specEngine } from './fixtures.js';

const info = { title: 'spec fixtures', version: '1.2.3' };

describe('discover', () => {
  it('generates an OpenRPC document from the registry', () => {
    const { engine } = specEngine();
    engine.register(
      'move',
      defineMethod({
        description: 'Moves the camera.',
        params: {
          schema: {
            type: 'array',
            prefixItems: [
              { type: 'number', title: 'pan', description: 'degrees' },
              { type: 'number', title: 'tilt' },
              { type: 'number' },
            ],
            minItems: 2,
          },
          parse(params: unknown): number[] {
            if (!Array.isArray(params)) throw invalidParams();
            return params as number[];
          },
        },
        handler: () => true,
      }),
    );
    const doc = engine.discover(info);
    expect(doc.openrpc).toBe(OPENRPC_VERSION);
    expect(doc.openrpc).toMatch(/^1\.\d+\.\d+$/);
    expect(doc.info).toEqual(info);
    expect(doc.methods).toEqual([
      {
        name: 'subtract',
        description: 'Subtracts subtrahend from minuend.',
        paramStructure: 'by-name',
        params: [
          { name: 'minuend', schema: { type: 'number' }, required: true },
          { name: 'subtrahend', schema: { type: 'number' }, required: true },
        ],
        result: { name: 'result', schema: { type: 'number' } },
      },
      {
        name: 'sum',
        description: 'Adds its positional arguments.',
        params: [{ name: 'params', schema: { type: 'array', items: { type: 'number' } } }],
        result: { name: 'result', schema: { type: 'number' } },
      },
      { name: 'get_data', params: [], result: { name: 'result', schema: {} } },
      { name: 'notify_hello', params: [], result: { name: 'result', schema: {} } },
      { name: 'update', params: [], result: { name: 'result', schema: {} } },
      {
        name: 'move',
        description: 'Moves the camera.',
        paramStructure: 'by-position',
        params: [
          {
            name: 'pan',
            schema: { type: 'number', title: 'pan', description: 'degrees' },
            required: true,
            description: 'degrees',
          },
          { name: 'tilt', schema: { type: 'number', title: 'tilt' }, required: true },
          { name: 'arg2', schema: { type: 'number' }, required: false },
        ],
        result: { name: 'result', schema: {} },
      },
    ]);
  });

  it('marks only the listed properties as required', () => {
    const engine = new JsonRpcEngine().register('opt', {
      params: {
        schema: {
          type: 'object',
          properties: { a: { type: 'string' }, b: { type: 'string' } },
          required: ['b'],
        },
        parse: (p: unknown) => p,
      },
      handler: () => null,
    });
    expect(engine.discover(info).methods[0]?.params).toEqual([
      { name: 'a', schema: { type: 'string' }, required: false },
      { name: 'b', schema: { type: 'string' }, required: true },
    ]);
  });

  it('serves the document as rpc.discover, including methods registered later', async () => {
    const engine = new JsonRpcEngine()
      .registerDiscover(info)
      .register('ping', { description: 'Health check', handler: () => 'pong' });
    const reply = (await call(engine, '{"jsonrpc":"2.0","method":"rpc.discover","id":1}')) as {
      result: { methods: Array<{ name: string }> };
    };
    expect(reply).toMatchObject({ jsonrpc: '2.0', id: 1, result: { openrpc: OPENRPC_VERSION, info } });
    expect(reply.result.methods.map((m) => m.name)).toEqual(['ping']);
    expect(engine.methods.has('rpc.discover')).toBe(true);
    expect(() => engine.registerDiscover(info)).toThrow(/already registered/);
  });

  it('returns a JSON-serialisable document', () => {
    const { engine } = specEngine();
    const doc = engine.discover(info);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe('registerDiscover wrap', () => {
  it('registers the definition wrap returns, so an app can log rpc.discover like its own methods', async () => {
    const seen: Array<{ ctx: string; methods: number }> = [];
    const engine = new JsonRpcEngine<string>().register('ping', { handler: () => 'pong' });
    engine.registerDiscover(info, {
      wrap: (def) => ({
        ...def,
        handler: async (params, ctx) => {
          const doc = await def.handler(params, ctx);
          seen.push({ ctx, methods: doc.methods.length });
          return doc;
        },
      }),
    });
    const reply = JSON.parse(
      (await engine.handle('{"jsonrpc":"2.0","method":"rpc.discover","id":1}', 'conn-1')) ?? '',
    );
    expect(reply.result).toMatchObject({ openrpc: OPENRPC_VERSION, info, methods: [{ name: 'ping' }] });
    expect(seen).toEqual([{ ctx: 'conn-1', methods: 1 }]);
    expect(engine.methods.get('rpc.discover')?.description).toMatch(/OpenRPC/);
  });
});
