import { exceedsJsonDepth } from '@sockworks/framing';
import fc from 'fast-check';
import jayson from 'jayson';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { valueExceedsDepth } from '../src/depth.js';
import { JsonRpcEngine, type JsonRpcLogger } from '../src/index.js';
import { specEngine } from './fixtures.js';

const id = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constant(null),
);
const requestLike = fc.record(
  {
    jsonrpc: fc.constantFrom<unknown>('2.0', '1.0', 2, null),
    method: fc.constantFrom<unknown>('sum', 'subtract', 'get_data', 'notify_hello', 'nope', 'rpc.x', 1),
    params: fc.oneof(fc.array(fc.integer()), fc.dictionary(fc.string(), fc.integer()), fc.jsonValue()),
    id: fc.oneof(id, fc.jsonValue()),
  },
  { requiredKeys: [] },
);
// JSON-looking gibberish, with control characters and lone surrogates mixed in.
const jsonishUnit = fc.oneof(
  fc.constantFrom(...'{}[]",:0123456789.-+eE \\\ntruefalsnu'.split('')),
  fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
);
const jsonish = fc.oneof(
  fc.string({ unit: jsonishUnit, maxLength: 200 }),
  fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
);
const message = fc.oneof(
  fc.jsonValue(),
  requestLike,
  fc.array(fc.oneof(requestLike, fc.jsonValue()), { maxLength: 8 }),
);

function assertResponse(value: unknown): void {
  expect(typeof value).toBe('object');
  const r = value as Record<string, unknown>;
  expect(r.jsonrpc).toBe('2.0');
  expect('id' in r).toBe(true);
  expect(['string', 'number', 'object'].includes(typeof r.id)).toBe(true);
  expect('result' in r !== 'error' in r).toBe(true);
  if ('error' in r) {
    const e = r.error as Record<string, unknown>;
    expect(Number.isInteger(e.code)).toBe(true);
    expect(typeof e.message).toBe('string');
  }
}

describe('properties', () => {
  it('every message gets a well-formed reply or nothing, the same for text, bytes and values', async () => {
    const { engine } = specEngine();
    await fc.assert(
      fc.asyncProperty(message, async (msg) => {
        const text = JSON.stringify(msg);
        const reply = await engine.handle(text);
        expect(await engine.handle(Buffer.from(text))).toEqual(reply);
        const fromValue = await engine.handleValue(msg);
        expect(fromValue === undefined ? undefined : JSON.stringify(fromValue)).toEqual(reply);
        if (reply === undefined) return;
        const parsed: unknown = JSON.parse(reply);
        if (Array.isArray(parsed)) {
          expect(parsed.length).toBeGreaterThan(0);
          expect(Array.isArray(msg)).toBe(true);
          for (const r of parsed) assertResponse(r);
        } else {
          assertResponse(parsed);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary text never makes handle reject', async () => {
    const { engine } = specEngine();
    await fc.assert(
      fc.asyncProperty(jsonish, async (text) => {
        const reply = await engine.handle(text);
        if (reply !== undefined) JSON.parse(reply);
      }),
      { numRuns: 300 },
    );
  });
});

describe('depth scan', () => {
  it('the text scan and the value walk agree on every JSON value', () => {
    const withQuotes = fc.string({ unit: fc.constantFrom('"', '\\', '[', '{', ']', '}', 'a') });
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        withQuotes,
        fc.jsonValue(),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(withQuotes, tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 8 }), (v, max) => {
        expect(exceedsJsonDepth(JSON.stringify(v), max)).toBe(valueExceedsDepth(v, max));
        expect(exceedsJsonDepth(JSON.stringify(v, null, 2), max)).toBe(valueExceedsDepth(v, max));
      }),
      { numRuns: 500 },
    );
  });
});

describe('jayson and logging', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('dispatches each valid request of a text message through jayson Server.call', async () => {
    const spy = vi.spyOn(jayson.Server.prototype, 'call');
    const { engine } = specEngine();
    await engine.handle(
      '[{"jsonrpc":"2.0","method":"sum","params":[1],"id":1},{"jsonrpc":"2.0","method":"x"},1]',
    );
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('writes nothing anywhere without a logger, even when handlers fail', async () => {
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');
    const consoleCalls = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      vi.spyOn(console, level),
    );
    const engine = new JsonRpcEngine().register('boom', {
      handler: () => {
        throw new Error('secret');
      },
    });
    await engine.handle('{"jsonrpc":"2.0","method":"boom","id":1}');
    await engine.handle(`${'['.repeat(100)}${']'.repeat(100)}`);
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
    for (const spy of consoleCalls) expect(spy).not.toHaveBeenCalled();
  });

  it('logs handler failures at error level with the error', async () => {
    const entries: Array<{ level: string; obj: object; msg: string | undefined }> = [];
    const logger: JsonRpcLogger = {
      error: (obj, msg) => entries.push({ level: 'error', obj, msg }),
      debug: (obj, msg) => entries.push({ level: 'debug', obj, msg }),
    };
    const failure = new Error('secret');
    const engine = new JsonRpcEngine({ logger }).register('boom', {
      handler: () => {
        throw failure;
      },
    });
    await engine.handle('{"jsonrpc":"2.0","method":"boom","id":1}');
    expect(entries).toEqual([
      { level: 'error', obj: { err: failure, method: 'boom' }, msg: 'JSON-RPC handler failed' },
    ]);
  });
});
