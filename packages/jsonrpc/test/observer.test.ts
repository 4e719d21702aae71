import { describe, expect, it } from 'vitest';
import { defineMethod, JsonRpcEngine, type JsonRpcResponse } from '../src/index.js';

describe('JsonRpcEngine observer', () => {
  it('sees every request of a batch once, sync and async, with its response (undefined for notifications)', async () => {
    const seen: Array<{ request: unknown; response: JsonRpcResponse | undefined; ctx: string }> = [];
    let starts = 0;
    const engine = new JsonRpcEngine<string>({
      observer: {
        start: () => ++starts,
        finish: (started, request, response, ctx) => {
          expect(started).toBeGreaterThan(0);
          seen.push({ request, response, ctx });
        },
      },
    });
    engine.register('sync', defineMethod({ handler: () => 1 }));
    engine.register('later', defineMethod({ handler: async () => 2 }));
    await engine.handleValue(
      [
        { jsonrpc: '2.0', method: 'sync', id: 1 },
        { jsonrpc: '2.0', method: 'later', id: 2 },
        { jsonrpc: '2.0', method: 'missing', id: 3 },
        { jsonrpc: '2.0', method: 'sync' },
      ],
      'ctx',
    );
    expect(starts).toBe(4);
    expect(seen.map((s) => (s.request as { method: string }).method).sort()).toEqual([
      'later',
      'missing',
      'sync',
      'sync',
    ]);
    const missing = seen.find((s) => (s.request as { method: string }).method === 'missing');
    expect(missing?.response && 'error' in missing.response ? missing.response.error.code : 0).toBe(-32601);
    expect(seen.filter((s) => s.response === undefined)).toHaveLength(1);
    expect(seen.every((s) => s.ctx === 'ctx')).toBe(true);
  });
});
