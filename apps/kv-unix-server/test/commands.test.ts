import { KvErrorCode, ProtocolError } from '@sockworks/error-codes';
import { LazyConnectionLogger, silentLogger } from '@sockworks/logging';
import { describe, expect, it } from 'vitest';
import { CommandRegistry, calculate, createDefaultRegistry, KvStore } from '../src/index.js';
import { RequestHandler } from '../src/server/request-handler.js';

// Replies are arbitrary JSON inspected field by field; a precise type per command would only restate them.
// biome-ignore lint/suspicious/noExplicitAny: dynamic JSON in test assertions
type Reply = Record<string, any>;

const NOW = new Date('2024-01-01T12:00:00.123Z');

function setup(limits = { maxKeyBytes: 64, maxKeys: 3, maxTotalBytes: 200 }) {
  const store = new KvStore(limits);
  const registry = createDefaultRegistry();
  const handler = new RequestHandler({ store, registry, now: () => NOW });
  const log = silentLogger();
  const call = (message: unknown) =>
    JSON.parse(handler.handle(message, new LazyConnectionLogger(log, 'test')) as string) as Reply;
  const run = (command: string, data?: unknown, extra: Record<string, unknown> = {}) =>
    call({ command, ...(data === undefined ? {} : { data }), ...extra });
  return { store, registry, handler, call, run };
}

function expectError(reply: Reply, code: string) {
  expect(reply.success).toBe(false);
  expect(reply.error.code).toBe(code);
  expect(typeof reply.error.message).toBe('string');
  expect(reply.data).toBeUndefined();
}

describe('envelope', () => {
  it('has type, success, timestamp and echoes request_id only when given', () => {
    const { run } = setup();
    const withId = run('ping', {}, { request_id: 'abc' });
    expect(withId).toMatchObject({
      type: 'response',
      success: true,
      request_id: 'abc',
      timestamp: NOW.toISOString(),
    });
    const numeric = run('ping', {}, { request_id: 7 });
    expect(numeric.request_id).toBe(7);
    const without = run('ping', {});
    expect('request_id' in without).toBe(false);
  });

  it('data is optional', () => {
    expect(setup().call({ command: 'ping' }).success).toBe(true);
  });

  it('INVALID_REQUEST: not an object, missing / non-string command, non-object data, bad request_id', () => {
    const { call } = setup();
    for (const message of [[], 'ping', 42, null, {}, { command: 5 }, { command: null }]) {
      expectError(call(message), KvErrorCode.INVALID_REQUEST);
    }
    for (const data of [[], 'x', 1, null, true]) {
      expectError(call({ command: 'ping', data }), KvErrorCode.INVALID_REQUEST);
    }
    expectError(call({ command: 'ping', request_id: { a: 1 } }), KvErrorCode.INVALID_REQUEST);
    // A bad request still echoes a usable request_id so clients can correlate it.
    expect(call({ command: 5, request_id: 'r1' }).request_id).toBe('r1');
  });

  it('UNKNOWN_COMMAND, including inherited property names', () => {
    const { run } = setup();
    for (const name of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '']) {
      expectError(run(name), KvErrorCode.UNKNOWN_COMMAND);
    }
  });
});

describe('echo', () => {
  it('returns the message; any JSON value; missing is INVALID_INPUT', () => {
    const { run } = setup();
    expect(run('echo', { message: 'Hello, World!' }).data).toEqual({ echo: 'Hello, World!' });
    expect(run('echo', { message: { a: [1, { b: null }] } }).data).toEqual({ echo: { a: [1, { b: null }] } });
    expectError(run('echo', {}), KvErrorCode.INVALID_INPUT);
  });

  it('echoes input nested up to the decoder depth without throwing', () => {
    const { run } = setup();
    let nested: unknown = 'x';
    for (let i = 0; i < 62; i++) nested = [nested];
    expect(run('echo', { message: nested }).data.echo).toEqual(nested);
  });
});

describe('time', () => {
  it('has timestamp, unix_timestamp and formatted from the injected clock', () => {
    expect(setup().run('time', {}).data).toEqual({
      timestamp: '2024-01-01T12:00:00.123Z',
      unix_timestamp: 1704110400.123,
      formatted: '2024-01-01 12:00:00',
    });
  });
});

describe('calculate', () => {
  const cases: Array<[string, number, number, number]> = [
    ['add', 10, 5, 15],
    ['subtract', 10, 5, 5],
    ['multiply', 10, 5, 50],
    ['divide', 10, 4, 2.5],
    ['power', 2, 10, 1024],
    ['modulo', 10, 3, 1],
    ['modulo', -7, 3, 2],
    ['modulo', 7, -3, -2],
    ['modulo', 5.5, 2, 1.5],
  ];
  it.each(cases)('%s(%d, %d) = %d', (operation, a, b, result) => {
    expect(setup().run('calculate', { operation, a, b }).data).toEqual({ operation, a, b, result });
  });

  it('MATH_ERROR for division/modulo by zero and non-finite results, never null', () => {
    const { run } = setup();
    for (const [operation, a, b] of [
      ['divide', 1, 0],
      ['divide', 0, 0],
      ['modulo', 5, 0],
      ['power', 10, 400],
      ['multiply', 1e308, 10],
      ['add', 1.7e308, 1.7e308],
      ['power', -8, 1 / 3],
    ] as const) {
      expectError(run('calculate', { operation, a, b }), KvErrorCode.MATH_ERROR);
    }
    expect(() => calculate('divide', 1, 0)).toThrow(ProtocolError);
  });

  it('INVALID_OPERATION for unknown operations, including prototype names', () => {
    const { run } = setup();
    for (const operation of ['sqrt', '__proto__', 'constructor', 'toString', 'ADD']) {
      expectError(run('calculate', { operation, a: 1, b: 2 }), KvErrorCode.INVALID_OPERATION);
    }
  });

  it('INVALID_INPUT for strings, missing operands, booleans, null and a non-string operation', () => {
    const { run } = setup();
    expectError(run('calculate', { operation: 'add', a: '10', b: 5 }), KvErrorCode.INVALID_INPUT);
    expectError(run('calculate', { operation: 'add', a: 10 }), KvErrorCode.INVALID_INPUT);
    expectError(run('calculate', { operation: 'add', a: true, b: 1 }), KvErrorCode.INVALID_INPUT);
    expectError(run('calculate', { operation: 'add', a: null, b: 1 }), KvErrorCode.INVALID_INPUT);
    expectError(run('calculate', { a: 1, b: 2 }), KvErrorCode.INVALID_INPUT);
    expectError(run('calculate', { operation: 3, a: 1, b: 2 }), KvErrorCode.INVALID_INPUT);
    // 1e999 parses to Infinity: not a finite operand.
    expectError(
      run('calculate', JSON.parse('{"operation":"add","a":1e999,"b":2}')),
      KvErrorCode.INVALID_INPUT,
    );
  });
});

describe('storage commands', () => {
  it('store / retrieve / list_keys / delete with the spec shapes', () => {
    const { run } = setup();
    expect(run('store', { key: 'username', value: 'john_doe' }).data).toEqual({
      key: 'username',
      stored: true,
      message: "Value stored for key 'username'",
    });
    expect(run('retrieve', { key: 'username' }).data).toEqual({ key: 'username', value: 'john_doe' });
    run('store', { key: 'age', value: 42 });
    expect(run('list_keys', {}).data).toEqual({ keys: ['username', 'age'], count: 2, cursor: '0' });
    expect(run('delete', { key: 'username' }).data).toEqual({
      key: 'username',
      deleted: true,
      message: "Key 'username' deleted",
    });
    expect(run('ping', {}).data).toEqual({ status: 'ok', server_time: NOW.toISOString(), storage_size: 1 });
  });

  it('stores any JSON value, including null, and overwrites', () => {
    const { run } = setup({ maxKeyBytes: 64, maxKeys: 10, maxTotalBytes: 10_000 });
    for (const value of [null, 0, false, '', [1, [2]], { nested: { deep: true } }, 'ünïcødé ✓']) {
      run('store', { key: 'k', value });
      expect(run('retrieve', { key: 'k' }).data.value).toEqual(value);
    }
    expect(run('list_keys', {}).data.count).toBe(1);
  });

  it('KEY_NOT_FOUND for retrieve and delete of a missing key', () => {
    const { run } = setup();
    const reply = run('retrieve', { key: 'username' });
    expectError(reply, KvErrorCode.KEY_NOT_FOUND);
    expect(reply.error.message).toBe("Key 'username' not found in storage");
    expectError(run('delete', { key: 'username' }), KvErrorCode.KEY_NOT_FOUND);
  });

  it('__proto__, constructor and toString are ordinary keys', () => {
    const { run } = setup({ maxKeyBytes: 64, maxKeys: 10, maxTotalBytes: 10_000 });
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expectError(run('retrieve', { key }), KvErrorCode.KEY_NOT_FOUND);
      expect(run('store', { key, value: { polluted: key } }).success).toBe(true);
      expect(run('retrieve', { key }).data).toEqual({ key, value: { polluted: key } });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(run('list_keys', {}).data.keys).toEqual([
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
    ]);
    expect(run('delete', { key: '__proto__' }).success).toBe(true);
    expectError(run('retrieve', { key: '__proto__' }), KvErrorCode.KEY_NOT_FOUND);
  });

  it('store and delete replies quote keys that need JSON escaping exactly as JSON.stringify would', () => {
    const { run } = setup({ maxKeyBytes: 64, maxKeys: 100, maxTotalBytes: 10_000 });
    const keys = [
      'say "hi"',
      'back\\slash',
      'line\nbreak\ttab',
      '\u0000\u001f',
      'é € 𝄞',
      '\ud800',
      'x\udc00',
      "it's",
    ];
    for (const key of keys) {
      const stored = run('store', { key, value: 1 });
      expect(stored.data).toEqual({ key, stored: true, message: `Value stored for key '${key}'` });
      const deleted = run('delete', { key });
      expect(deleted.data).toEqual({ key, deleted: true, message: `Key '${key}' deleted` });
    }
  });

  it('replies with and without request_id, success and error, are the same JSON as a generic encoder', () => {
    const { run } = setup();
    const stamp = NOW.toISOString();
    for (const id of [undefined, 'abc', 7, null, 'q"\\']) {
      const extra = id === undefined ? {} : { request_id: id };
      const ok = run('echo', { message: 'm' }, extra);
      expect(ok).toStrictEqual({
        type: 'response',
        success: true,
        ...extra,
        timestamp: stamp,
        data: { echo: 'm' },
      });
      const failed = run('retrieve', { key: 'missing' }, extra);
      expect(failed).toStrictEqual({
        type: 'response',
        success: false,
        ...extra,
        timestamp: stamp,
        error: { code: 'KEY_NOT_FOUND', message: "Key 'missing' not found in storage" },
      });
    }
  });

  it('INVALID_INPUT for empty, missing, non-string or over-long keys and a missing value', () => {
    const { run, store } = setup();
    for (const data of [{ value: 1 }, { key: '', value: 1 }, { key: 5, value: 1 }, { key: null, value: 1 }]) {
      expectError(run('store', data), KvErrorCode.INVALID_INPUT);
    }
    expectError(run('store', { key: 'k' }), KvErrorCode.INVALID_INPUT);
    expectError(run('store', { key: 'x'.repeat(65), value: 1 }), KvErrorCode.INVALID_INPUT);
    // 22 three-byte characters = 66 bytes: the limit counts UTF-8 bytes, not characters.
    expectError(run('store', { key: '€'.repeat(22), value: 1 }), KvErrorCode.INVALID_INPUT);
    expect(run('store', { key: 'x'.repeat(64), value: 1 }).success).toBe(true);
    expectError(run('retrieve', {}), KvErrorCode.INVALID_INPUT);
    expectError(run('delete', { key: 1 }), KvErrorCode.INVALID_INPUT);
    expect(store.size).toBe(1);
  });

  it('STORAGE_FULL past the key count or byte limit; nothing is stored; replacing still works', () => {
    const { run, store } = setup({ maxKeyBytes: 64, maxKeys: 2, maxTotalBytes: 50 });
    expect(run('store', { key: 'a', value: 1 }).success).toBe(true);
    expect(run('store', { key: 'b', value: 2 }).success).toBe(true);
    expectError(run('store', { key: 'c', value: 3 }), KvErrorCode.STORAGE_FULL);
    expect(store.has('c')).toBe(false);
    expect(run('store', { key: 'a', value: 'replaced' }).success).toBe(true);
    expectError(run('store', { key: 'a', value: 'y'.repeat(60) }), KvErrorCode.STORAGE_FULL);
    expect(run('retrieve', { key: 'a' }).data.value).toBe('replaced');
    expect(store.totalBytes).toBe(2 + '"replaced"'.length + 1);
    run('delete', { key: 'b' });
    expect(run('store', { key: 'c', value: 3 }).success).toBe(true);
  });
});

describe('help and the registry', () => {
  it('help lists every registered command with description and parameters', () => {
    const { run, registry } = setup();
    const { commands } = run('help', {}).data;
    expect(Object.keys(commands)).toEqual([
      'echo',
      'time',
      'calculate',
      'store',
      'retrieve',
      'list_keys',
      'delete',
      'ping',
      'help',
    ]);
    expect(commands.echo).toEqual({
      description: 'Echo back a message',
      parameters: { message: 'string - message to echo' },
    });
    for (const name of registry.names()) expect(typeof commands[name].description).toBe('string');
  });

  it('a new command is one definition plus one register call, and help shows it', () => {
    const store = new KvStore({ maxKeyBytes: 10, maxKeys: 10, maxTotalBytes: 100 });
    const registry = createDefaultRegistry().register('upper', {
      description: 'Upper-case a string',
      parameters: { text: 'string - text' },
      handler: (data) => ({ upper: String(data.text).toUpperCase() }),
    });
    const handler = new RequestHandler({ store, registry, now: () => NOW });
    const reply = JSON.parse(
      handler.handle(
        { command: 'upper', data: { text: 'hi' } },
        new LazyConnectionLogger(silentLogger(), 'test'),
      ) as string,
    );
    expect(reply.data).toEqual({ upper: 'HI' });
    const help = JSON.parse(
      handler.handle({ command: 'help' }, new LazyConnectionLogger(silentLogger(), 'test')) as string,
    );
    expect(help.data.commands.upper.description).toBe('Upper-case a string');
    expect(() => registry.register('upper', registry.get('echo')!)).toThrow(/already registered/);
  });

  it('a handler bug becomes INTERNAL_ERROR without leaking its message', () => {
    const registry = new CommandRegistry().register('boom', {
      description: 'throws',
      parameters: {},
      handler: () => {
        throw new TypeError('secret internals');
      },
    });
    registry.register('cyclic', {
      description: 'returns a value JSON cannot serialise',
      parameters: {},
      handler: () => {
        const a: Record<string, unknown> = {};
        a.self = a;
        return a;
      },
    });
    const store = new KvStore({ maxKeyBytes: 10, maxKeys: 10, maxTotalBytes: 100 });
    const handler = new RequestHandler({ store, registry, now: () => NOW });
    for (const command of ['boom', 'cyclic']) {
      const reply = JSON.parse(
        handler.handle(
          { command, request_id: 'x' },
          new LazyConnectionLogger(silentLogger(), 'test'),
        ) as string,
      );
      expect(reply).toMatchObject({ success: false, request_id: 'x', error: { code: 'INTERNAL_ERROR' } });
      expect(reply.error.message).not.toContain('secret');
    }
  });
});
