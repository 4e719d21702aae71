import { describe, expect, it } from 'vitest';
import { openRaw, type RawWs, startServer } from './helpers.js';

async function session(): Promise<RawWs> {
  const { url } = await startServer();
  return openRaw(url);
}

/** Asserts that nothing arrived before the reply to a following ping (the reply is the next frame). */
async function expectNoReply(raw: RawWs): Promise<void> {
  const reply = await raw.request('{"jsonrpc":"2.0","method":"ping","id":"after"}');
  expect(reply).toEqual({ jsonrpc: '2.0', result: 'pong', id: 'after' });
}

const invalidRequest = { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null };
const parseError = { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null };

/** Sends `text` on a fresh connection, expects exactly `reply`, then checks the connection stays usable. */
async function expectReply(text: string, reply: unknown): Promise<void> {
  const raw = await session();
  expect(await raw.request(text)).toEqual(reply);
  await expectNoReply(raw);
}

describe('JSON-RPC 2.0 specification, section 7 (the examples that apply to a server with ping)', () => {
  it('rpc call: ping -> "pong"', async () => {
    const raw = await session();
    expect(await raw.request('{"jsonrpc": "2.0", "method": "ping", "id": 1}')).toEqual({
      jsonrpc: '2.0',
      result: 'pong',
      id: 1,
    });
  });

  it('rpc call of non-existent method: -32601 with the method name', async () => {
    const raw = await session();
    expect(await raw.request('{"jsonrpc": "2.0", "method": "foobar", "id": "1"}')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found: foobar' },
      id: '1',
    });
  });

  it('rpc call with invalid JSON: -32700, id null', async () => {
    await expectReply('{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]', parseError);
  });

  it('rpc call with invalid Request object: -32600, id null', async () => {
    await expectReply('{"jsonrpc": "2.0", "method": 1, "params": "bar"}', invalidRequest);
  });

  it('rpc call Batch, invalid JSON: one -32700', async () => {
    const text =
      '[\n  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},\n  {"jsonrpc": "2.0", "method"\n]';
    await expectReply(text, parseError);
  });

  it('rpc call with an empty Array: one -32600, never an empty array', async () => {
    await expectReply('[]', invalidRequest);
  });

  it('rpc call with an invalid Batch (but not empty): [1]', async () => {
    await expectReply('[1]', [invalidRequest]);
  });

  it('rpc call with invalid Batch: [1,2,3]', async () => {
    await expectReply('[1,2,3]', [invalidRequest, invalidRequest, invalidRequest]);
  });

  it('rpc call Batch mixing calls, a notification, an invalid request and unknown methods', async () => {
    const raw = await session();
    const reply = await raw.request(
      JSON.stringify([
        { jsonrpc: '2.0', method: 'ping', id: '1' },
        { jsonrpc: '2.0', method: 'notify_hello', params: [7] },
        { jsonrpc: '2.0', method: 'ping', params: [], id: '2' },
        { foo: 'boo' },
        { jsonrpc: '2.0', method: 'foo.get', params: { name: 'myself' }, id: '5' },
        { jsonrpc: '2.0', method: 'get_data', id: '9' },
      ]),
    );
    expect(Array.isArray(reply)).toBe(true);
    // The specification allows any order; compare as a set.
    expect(reply).toHaveLength(5);
    expect(reply).toEqual(
      expect.arrayContaining([
        { jsonrpc: '2.0', result: 'pong', id: '1' },
        { jsonrpc: '2.0', result: 'pong', id: '2' },
        invalidRequest,
        { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found: foo.get' }, id: '5' },
        { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found: get_data' }, id: '9' },
      ]),
    );
  });

  it('rpc call Batch (all notifications): no frame at all', async () => {
    const raw = await session();
    raw.ws.send(
      '[{"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]}, {"jsonrpc": "2.0", "method": "ping"}]',
    );
    await expectNoReply(raw);
  });

  it('a notification (known or unknown method, even with bad params) gets no reply', async () => {
    const raw = await session();
    raw.ws.send('{"jsonrpc": "2.0", "method": "ping"}');
    raw.ws.send('{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}');
    raw.ws.send('{"jsonrpc": "2.0", "method": "ping", "params": [1]}');
    await expectNoReply(raw);
  });
});

describe('where jayson alone gets it wrong', () => {
  it('a nested batch element gets an Invalid Request entry', async () => {
    const raw = await session();
    const reply = await raw.request(
      '[[{"jsonrpc":"2.0","method":"ping","id":1}],{"jsonrpc":"2.0","method":"ping","id":2}]',
    );
    expect(reply).toEqual([invalidRequest, { jsonrpc: '2.0', result: 'pong', id: 2 }]);
  });

  it('"id": null is a request and gets a reply with id null', async () => {
    const raw = await session();
    expect(await raw.request('{"jsonrpc":"2.0","method":"ping","id":null}')).toEqual({
      jsonrpc: '2.0',
      result: 'pong',
      id: null,
    });
  });
});

describe('params, limits and the connection staying usable', () => {
  it('ping with params is -32602 Invalid params; [] and {} are accepted', async () => {
    const raw = await session();
    expect(await raw.request('{"jsonrpc":"2.0","method":"ping","params":[1],"id":1}')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32602, message: 'Invalid params: this method takes no parameters' },
      id: 1,
    });
    expect(await raw.request('{"jsonrpc":"2.0","method":"ping","params":{"a":1},"id":2}')).toMatchObject({
      error: { code: -32602 },
    });
    expect(await raw.request('{"jsonrpc":"2.0","method":"ping","params":[],"id":3}')).toMatchObject({
      result: 'pong',
    });
    expect(await raw.request('{"jsonrpc":"2.0","method":"ping","params":{},"id":4}')).toMatchObject({
      result: 'pong',
    });
  });

  it('a batch longer than maxBatch gets one -32010 error', async () => {
    const { url } = await startServer({ maxBatch: 3 });
    const raw = await openRaw(url);
    const batch = Array.from({ length: 4 }, (_, i) => ({ jsonrpc: '2.0', method: 'ping', id: i }));
    expect(await raw.request(JSON.stringify(batch))).toMatchObject({ error: { code: -32010 }, id: null });
    expect(await raw.request(JSON.stringify(batch.slice(0, 3)))).toHaveLength(3);
  });

  it('JSON nested deeper than maxDepth gets -32600 and the connection stays usable', async () => {
    const { url } = await startServer({ maxDepth: 8 });
    const raw = await openRaw(url);
    const deep = `{"jsonrpc":"2.0","method":"ping","params":${'['.repeat(20)}${']'.repeat(20)},"id":1}`;
    expect(await raw.request(deep)).toMatchObject({ error: { code: -32600 }, id: null });
    await expectNoReply(raw);
  });

  it('default limits: 500,000 levels of nesting (just under 1 MiB) get -32600, no crash', async () => {
    const depth = 500_000;
    const deep = `{"jsonrpc":"2.0","method":"ping","params":${'['.repeat(depth)}${']'.repeat(depth)},"id":1}`;
    expect(Buffer.byteLength(deep)).toBeLessThan(1024 * 1024);
    await expectReply(deep, {
      jsonrpc: '2.0',
      error: { code: -32600, message: expect.stringMatching(/^Invalid Request/) },
      id: null,
    });
  });

  it('replies are text frames, to text and binary requests alike', async () => {
    const raw = await session();
    const frameKinds: boolean[] = [];
    raw.ws.on('message', (_data, isBinary) => frameKinds.push(isBinary));
    raw.ws.send('{"jsonrpc":"2.0","method":"ping","id":1}');
    await raw.next();
    raw.ws.send(Buffer.from('{"jsonrpc":"2.0","method":"ping","params":[],"id":2}'), { binary: true });
    await raw.next();
    expect(frameKinds).toEqual([false, false]);
  });

  it('a binary frame is handled as UTF-8 JSON text', async () => {
    const raw = await session();
    raw.ws.send(Buffer.from('{"jsonrpc":"2.0","method":"ping","id":7}'), { binary: true });
    expect(JSON.parse(await raw.next())).toEqual({ jsonrpc: '2.0', result: 'pong', id: 7 });
  });
});
