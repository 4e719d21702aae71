import { JsonRpcErrorCode, ProtocolError } from '@sockworks/error-codes';
import fc from 'fast-check';
import jayson from 'jayson';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JsonRpcEngine, type JsonRpcLogger, namedParams } from '../src/index.js';
import {
  MAX_SIMPLE_CALL_BYTES,
  parseAnyLayout,
  parseCompactCall,
  parseSimpleCall,
  quotePlain,
} from '../src/simple-call.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('parseSimpleCall', () => {
  it.each([
    ['{"jsonrpc":"2.0","method":"ping","id":1}', 'ping', 1, '1'],
    ['{"method":"ping","id":"a-1","jsonrpc":"2.0"}', 'ping', 'a-1', '"a-1"'],
    ['{"id":0,"jsonrpc":"2.0","method":"rpc.discover"}', 'rpc.discover', 0, '0'],
    // Python's json.dumps separators, and whitespace of every JSON kind around every token.
    ['{"jsonrpc": "2.0", "method": "ping", "id": -42}', 'ping', -42, '-42'],
    [' \t\r\n{ "jsonrpc" :"2.0" ,\n"method":"get_status" , "id" : 7 }\n', 'get_status', 7, '7'],
    ['{"jsonrpc":"2.0","method":"ping","id":999999999999999}', 'ping', 999999999999999, '999999999999999'],
    [
      '{"jsonrpc":"2.0","method":"__proto__","id":"~ !#$%&\'()*+,-./:;<=>?@[]^_`{|}"}',
      '__proto__',
      "~ !#$%&'()*+,-./:;<=>?@[]^_`{|}",
      '"~ !#$%&\'()*+,-./:;<=>?@[]^_`{|}"',
    ],
    ['{"jsonrpc":"2.0","method":"","id":""}', '', '', '""'],
  ])('recognises %s', (text, method, id, idJson) => {
    const call = parseSimpleCall(bytes(text));
    expect(call).toMatchObject({ id, idJson });
    expect(bytes(text).toString('latin1', call?.methodStart, call?.methodEnd)).toBe(method);
  });

  it.each([
    ['params', '{"jsonrpc":"2.0","method":"ping","params":[],"id":1}'],
    ['another member', '{"jsonrpc":"2.0","method":"ping","id":1,"x":1}'],
    ['a duplicate member', '{"jsonrpc":"2.0","method":"ping","method":"ping","id":1}'],
    ['a notification', '{"jsonrpc":"2.0","method":"ping"}'],
    ['no version', '{"method":"ping","id":1}'],
    ['another version', '{"jsonrpc":"1.0","method":"ping","id":1}'],
    ['a numeric version', '{"jsonrpc":2.0,"method":"ping","id":1}'],
    ['an escape in the method', '{"jsonrpc":"2.0","method":"p\\u0069ng","id":1}'],
    ['an escape in the id', '{"jsonrpc":"2.0","method":"ping","id":"a\\"b"}'],
    ['an escape in a key', '{"jsonrpc":"2.0","method":"ping","\\u0069d":1}'],
    ['non-ASCII', '{"jsonrpc":"2.0","method":"pïng","id":1}'],
    ['a control character', '{"jsonrpc":"2.0","method":"pi\tng","id":1}'],
    ['a null id', '{"jsonrpc":"2.0","method":"ping","id":null}'],
    ['a boolean id', '{"jsonrpc":"2.0","method":"ping","id":true}'],
    ['a fractional id', '{"jsonrpc":"2.0","method":"ping","id":1.5}'],
    ['an exponent', '{"jsonrpc":"2.0","method":"ping","id":1e3}'],
    ['minus zero', '{"jsonrpc":"2.0","method":"ping","id":-0}'],
    ['a leading zero', '{"jsonrpc":"2.0","method":"ping","id":01}'],
    ['a lone minus', '{"jsonrpc":"2.0","method":"ping","id":-}'],
    ['16 digits', '{"jsonrpc":"2.0","method":"ping","id":1234567890123456}'],
    ['a numeric method', '{"jsonrpc":"2.0","method":1,"id":1}'],
    ['a batch', '[{"jsonrpc":"2.0","method":"ping","id":1}]'],
    ['an empty object', '{}'],
    ['a trailing comma', '{"jsonrpc":"2.0","method":"ping","id":1,}'],
    ['text after the object', '{"jsonrpc":"2.0","method":"ping","id":1}x'],
    ['a second object', '{"jsonrpc":"2.0","method":"ping","id":1}{}'],
    ['an unterminated object', '{"jsonrpc":"2.0","method":"ping","id":1'],
    ['an unterminated string', '{"jsonrpc":"2.0","method":"ping'],
    ['a missing colon', '{"jsonrpc":"2.0","method" "ping","id":1}'],
    ['nothing', ''],
  ])('leaves %s to the general path', (_what, text) => {
    expect(parseSimpleCall(bytes(text))).toBeUndefined();
  });

  it(`leaves messages over ${MAX_SIMPLE_CALL_BYTES} bytes to the general path`, () => {
    const id = (n: number) => `"${'x'.repeat(n)}"`;
    const base = '{"jsonrpc":"2.0","method":"ping","id":}'.length;
    expect(
      parseSimpleCall(
        bytes(`{"jsonrpc":"2.0","method":"ping","id":${id(MAX_SIMPLE_CALL_BYTES - base - 2)}}`),
      ),
    ).toBeDefined();
    expect(
      parseSimpleCall(
        bytes(`{"jsonrpc":"2.0","method":"ping","id":${id(MAX_SIMPLE_CALL_BYTES - base - 1)}}`),
      ),
    ).toBeUndefined();
  });
});

describe('the compact check', () => {
  it('takes the layout JSON.stringify writes, and agrees with the full recogniser on everything', () => {
    const compact = bytes('{"jsonrpc":"2.0","method":"ping","id":-12}');
    expect(parseCompactCall(compact, compact.length)).toEqual(parseAnyLayout(compact, compact.length));
    expect(parseCompactCall(compact, compact.length)).toBeDefined();
    const spaced = bytes('{"jsonrpc": "2.0", "method": "ping", "id": 1}');
    expect(parseCompactCall(spaced, spaced.length)).toBeUndefined();
    expect(parseAnyLayout(spaced, spaced.length)).toBeDefined();
    // Near-compact text: random edits of a compact call, and compact calls with random names and ids.
    const base = [...compact];
    const edited = fc
      .array(fc.tuple(fc.nat(base.length), fc.integer({ min: 0, max: 255 }), fc.boolean()), { maxLength: 3 })
      .map((edits) => {
        const out = [...base];
        for (const [at, byte, insert] of edits) out.splice(Math.min(at, out.length), insert ? 0 : 1, byte);
        return Buffer.from(out);
      });
    const generated = fc
      .tuple(fc.string({ maxLength: 6 }), fc.oneof(fc.integer().map(String), fc.string({ maxLength: 20 })))
      .map(([m, id]) => bytes(`{"jsonrpc":"2.0","method":"${m}","id":${id}}`));
    fc.assert(
      fc.property(fc.oneof(edited, generated), (b) => {
        const quick = parseCompactCall(b, b.length);
        if (quick !== undefined) expect(quick).toEqual(parseAnyLayout(b, b.length));
      }),
      { numRuns: 5000 },
    );
  });

  it('quotePlain writes what JSON.stringify writes, or leaves the string to it', () => {
    for (const text of ['', 'pong', 'a b~!', 'x'.repeat(64)])
      expect(quotePlain(text)).toBe(JSON.stringify(text));
    for (const text of ['"', '\\', 'é', '\n', '\u007f', 'x'.repeat(65)])
      expect(quotePlain(text)).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ maxLength: 70, unit: 'binary' }), (text) => {
        const quoted = quotePlain(text);
        if (quoted !== undefined) expect(quoted).toBe(JSON.stringify(text));
      }),
      { numRuns: 3000 },
    );
  });
});

class Stamp {
  toJSON(key: string): string {
    return `stamp under "${key}"`;
  }
}

/** Methods covering every kind of outcome: results of each JSON type, odd results, failures, async. */
function registerAll(engine: JsonRpcEngine, calls: string[]): JsonRpcEngine {
  const track =
    <R>(name: string, result: () => R) =>
    () => {
      calls.push(name);
      return result();
    };
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  return engine
    .register('ping', { handler: track('ping', () => 'pong') })
    .register('status', { handler: track('status', () => ({ ok: true, list: [1, 'two', null], n: 1.5 })) })
    .register('nothing', { handler: track('nothing', () => undefined) })
    .register('nil', { handler: track('nil', () => null) })
    .register('zero', { handler: track('zero', () => 0) })
    .register('flag', { handler: track('flag', () => false) })
    .register('unicode', { handler: track('unicode', () => 'é\u2028😀\ud800"\\') })
    .register('date', { handler: track('date', () => new Date(0)) })
    .register('stamp', { handler: track('stamp', () => new Stamp()) })
    .register('nested-stamp', { handler: track('nested-stamp', () => ({ at: new Stamp() })) })
    .register('toxic', {
      handler: track('toxic', () =>
        Object.defineProperty({}, 'toJSON', {
          enumerable: true,
          get() {
            throw new Error('getter');
          },
        }),
      ),
    })
    .register('nan', { handler: track('nan', () => Number.NaN) })
    .register('big', { handler: track('big', () => 1n) })
    .register('cyclic', { handler: track('cyclic', () => cycle) })
    .register('fn', { handler: track('fn', () => () => 1) })
    .register('sym', { handler: track('sym', () => Symbol('s')) })
    .register('async', { handler: track('async', async () => 'later') })
    .register('async-undefined', { handler: track('async-undefined', async () => undefined) })
    .register('throws', {
      handler: track('throws', () => {
        throw new Error('secret');
      }),
    })
    .register('rejects', { handler: track('rejects', () => Promise.reject(new Error('secret'))) })
    .register('protocol-error', {
      handler: track('protocol-error', () => {
        throw new ProtocolError(-32001, 'Camera busy', { data: { retryMs: 5 } });
      }),
    })
    .register('not-found-by-choice', {
      handler: track('not-found-by-choice', () => {
        throw new ProtocolError(JsonRpcErrorCode.METHOD_NOT_FOUND, 'Method not found');
      }),
    })
    .register('needs-params', {
      params: namedParams({ value: { type: 'number' } }),
      handler: track('needs-params', () => 'unreachable'),
    })
    .register('optional-params', {
      params: namedParams({ value: { type: 'number', optional: true } }),
      handler: track('optional-params', () => 'fine'),
    })
    .register('mapped', {
      handler: track('mapped', () => {
        throw new RangeError('mapped');
      }),
    })
    .register('badly-mapped', {
      handler: track('badly-mapped', () => {
        throw new TypeError('badly mapped');
      }),
    });
}

interface Side {
  engine: JsonRpcEngine;
  calls: string[];
  logs: string[];
}

function side(simpleCallShortcut: boolean): Side {
  const calls: string[] = [];
  const logs: string[] = [];
  const logger: JsonRpcLogger = {
    error: (obj, msg) => logs.push(`error ${msg} ${JSON.stringify(Object.keys(obj))}`),
    debug: (obj, msg) => logs.push(`debug ${msg} ${JSON.stringify(Object.keys(obj))}`),
  };
  const engine = new JsonRpcEngine({
    simpleCallShortcut,
    logger,
    methodNotFoundDetail: true,
    mapError: (error) => {
      if (error instanceof RangeError) return { code: -32050, message: 'Out of range', data: 'd' };
      // Not a usable error object: jayson answers -32603 for it, and so must the shortcut.
      if (error instanceof TypeError) return { code: 1.5, message: 'half' };
      return undefined;
    },
  });
  registerAll(engine, calls);
  engine.registerDiscover({ title: 't', version: '1' });
  return { engine, calls, logs };
}

const METHODS = [
  'ping',
  'status',
  'nothing',
  'nil',
  'zero',
  'flag',
  'unicode',
  'date',
  'stamp',
  'nested-stamp',
  'toxic',
  'nan',
  'big',
  'cyclic',
  'fn',
  'sym',
  'async',
  'async-undefined',
  'throws',
  'rejects',
  'protocol-error',
  'not-found-by-choice',
  'needs-params',
  'optional-params',
  'mapped',
  'badly-mapped',
  'rpc.discover',
  'missing',
];

/** Answers `text` (as bytes) on both engines and expects the same reply, handler calls and log lines. */
async function expectSameAnswer(fast: Side, full: Side, text: string): Promise<string | undefined> {
  const before = [fast.calls.length, full.calls.length, fast.logs.length, full.logs.length];
  const reply = await fast.engine.respond(bytes(text), undefined);
  const expected = await full.engine.respond(bytes(text), undefined);
  expect(reply, text).toBe(expected);
  expect(fast.calls.slice(before[0]), text).toEqual(full.calls.slice(before[1]));
  expect(fast.logs.slice(before[2]), text).toEqual(full.logs.slice(before[3]));
  return reply;
}

describe('the simple-call shortcut', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('answers each kind of outcome exactly as the general path does', async () => {
    const fast = side(true);
    const full = side(false);
    const ids = ['1', '-7', '0', '999999999999999', '"abc"', '""', '"with space"'];
    for (const method of METHODS) {
      for (const id of ids) {
        await expectSameAnswer(fast, full, `{"jsonrpc":"2.0","method":"${method}","id":${id}}`);
        await expectSameAnswer(fast, full, `{"id": ${id}, "method": "${method}", "jsonrpc": "2.0"}`);
      }
    }
    // Each handler ran once per message on both sides: all but needs-params (its params check fails
    // first), rpc.discover (untracked) and missing.
    expect(fast.calls.length).toBe((METHODS.length - 3) * ids.length * 2);
    expect(fast.calls).not.toContain('needs-params');
  });

  it('spot checks: the replies themselves', async () => {
    const { engine } = side(true);
    const answer = (text: string) => engine.respond(bytes(text), undefined);
    expect(await answer('{"jsonrpc":"2.0","method":"ping","id":1}')).toBe(
      '{"jsonrpc":"2.0","id":1,"result":"pong"}',
    );
    expect(await answer('{"id":"x","method":"nothing","jsonrpc":"2.0"}')).toBe(
      '{"jsonrpc":"2.0","id":"x","result":null}',
    );
    expect(await answer('{"jsonrpc":"2.0","method":"stamp","id":2}')).toBe(
      '{"jsonrpc":"2.0","id":2,"result":"stamp under \\"result\\""}',
    );
    expect(await answer('{"jsonrpc":"2.0","method":"big","id":3}')).toBe(
      '{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":3}',
    );
    expect(
      JSON.parse(String(await answer('{"jsonrpc":"2.0","method":"needs-params","id":4}'))),
    ).toMatchObject({
      id: 4,
      error: { code: -32602 },
    });
    expect(await answer('{"jsonrpc":"2.0","method":"missing","id":5}')).toBe(
      '{"jsonrpc":"2.0","id":5,"error":{"code":-32601,"message":"Method not found: missing"}}',
    );
  });

  it('answers a synchronous method in the same turn, an async one with a promise', () => {
    const { engine } = side(true);
    expect(engine.respond(bytes('{"jsonrpc":"2.0","method":"ping","id":1}'), undefined)).toBe(
      '{"jsonrpc":"2.0","id":1,"result":"pong"}',
    );
    expect(engine.respond(bytes('{"jsonrpc":"2.0","method":"async","id":1}'), undefined)).toBeInstanceOf(
      Promise,
    );
  });

  it('is taken for simple calls to registered methods given as bytes, and only then', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    const call = vi.spyOn(jayson.Server.prototype, 'call');
    const fast = side(true);
    const full = side(false);
    const simple = '{"jsonrpc":"2.0","method":"ping","id":1}';
    await fast.engine.respond(bytes(simple), undefined);
    await fast.engine.respond(new Uint8Array(bytes(simple)), undefined);
    expect(parse).not.toHaveBeenCalled();
    expect(call).not.toHaveBeenCalled();
    // Text input, an unknown method, params, or the shortcut turned off: JSON.parse and jayson.
    await fast.engine.respond(simple, undefined);
    await fast.engine.respond(bytes('{"jsonrpc":"2.0","method":"missing","id":1}'), undefined);
    await fast.engine.respond(bytes('{"jsonrpc":"2.0","method":"ping","params":[],"id":1}'), undefined);
    await full.engine.respond(bytes(simple), undefined);
    expect(parse).toHaveBeenCalledTimes(4);
    expect(call).toHaveBeenCalledTimes(4);
  });

  it('agrees with the general path on generated near-simple messages', async () => {
    const fast = side(true);
    const full = side(false);
    const ws = fc.constantFrom('', ' ', '\n', '\t', '\r\n  ');
    const value = fc.oneof(
      fc.constantFrom(
        '"2.0"',
        '"1.0"',
        '2.0',
        'null',
        'true',
        '-0',
        '01',
        '1.0',
        '1e2',
        '[]',
        '{}',
        '"a\\u0062"',
      ),
      fc.constantFrom(...METHODS).map((m) => `"${m}"`),
      fc.integer().map(String),
      fc.maxSafeInteger().map(String),
      fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
    );
    const member = fc
      .tuple(fc.constantFrom('"jsonrpc"', '"method"', '"id"', '"params"', '"x"', '"i\\u0064"'), value, ws, ws)
      .map(([k, v, a, b]) => `${a}${k}${b}:${a}${v}${b}`);
    const canonical = fc
      .tuple(
        fc.constantFrom(...METHODS),
        fc.oneof(
          fc.integer().map(String),
          fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
        ),
      )
      .map(([m, id]) => [`"jsonrpc":"2.0"`, `"method":"${m}"`, `"id":${id}`]);
    const members = fc.oneof(
      canonical,
      fc.array(member, { maxLength: 5 }),
      canonical.chain((c) => fc.shuffledSubarray(c, { minLength: 2 })),
    );
    const message = fc.tuple(members, ws, ws).map(([ms, a, b]) => `${a}{${ms.join(',')}}${b}`);
    await fc.assert(
      fc.asyncProperty(message, async (text) => {
        await expectSameAnswer(fast, full, text);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the general path on corrupted simple calls', async () => {
    const fast = side(true);
    const full = side(false);
    const base = bytes('{"jsonrpc":"2.0","method":"ping","id":12}');
    const edit = fc.tuple(
      fc.nat(base.length),
      fc.constantFrom('replace', 'insert', 'delete'),
      fc.integer({ min: 0, max: 255 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        const out = [...base];
        for (const [at, kind, byte] of edits) {
          const i = Math.min(at, out.length);
          if (kind === 'replace' && i < out.length) out[i] = byte;
          else if (kind === 'insert') out.splice(i, 0, byte);
          else out.splice(i, 1);
        }
        const buf = Buffer.from(out);
        const reply = await fast.engine.respond(buf, undefined);
        expect(reply).toBe(await full.engine.respond(buf, undefined));
      }),
      { numRuns: 3000 },
    );
  });
});
