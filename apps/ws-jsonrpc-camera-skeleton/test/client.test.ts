import { ClientErrorCode, JsonRpcErrorCode, ProtocolError } from '@sockworks/error-codes';
import { invalidParams } from '@sockworks/jsonrpc';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WsRpcClient } from '../src/client/client.js';
import { defineRpcMethod } from '../src/server/methods/define.js';
import { methods } from '../src/server/methods/index.js';
import { createWsRpcServer } from '../src/server/server.js';
import { connectClient, startServer, waitFor } from './helpers.js';

/** A method with typed params, as a camera method would be: `{ a: number, b: number }` -> a + b. */
const add = defineRpcMethod({
  description: 'Adds two numbers.',
  params: {
    schema: {
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
      required: ['a', 'b'],
    },
    parse(params: unknown): { a: number; b: number } {
      const p = params as { a?: unknown; b?: unknown } | undefined;
      if (typeof p?.a !== 'number' || typeof p.b !== 'number') throw invalidParams('a and b must be numbers');
      return { a: p.a, b: p.b };
    },
  },
  result: { schema: { type: 'number' } },
  handler: ({ a, b }) => a + b,
});

const noted: string[] = [];
const note = defineRpcMethod({
  handler: (params: unknown) => {
    noted.push(JSON.stringify(params));
    return null;
  },
});

const hang = defineRpcMethod({ handler: () => new Promise<never>(() => {}) });

const testMethods = { ...methods, add, note, hang };

describe('WsRpcClient', () => {
  it('call resolves results and rejects with the server error code', async () => {
    const { url } = await startServer({ methods: testMethods });
    const client = await connectClient(url);
    expect(await client.call('ping')).toBe('pong');
    expect(await client.call<number>('add', { a: 2, b: 3 })).toBe(5);
    const err = await client.call('add', { a: 'x' }).catch((e: unknown) => e);
    expect(ProtocolError.is(err)).toBe(true);
    expect((err as ProtocolError).code).toBe(JsonRpcErrorCode.INVALID_PARAMS);
    expect((err as ProtocolError).message).toBe('Invalid params: a and b must be numbers');
    await expect(client.call('nope')).rejects.toMatchObject({
      code: -32601,
      message: 'Method not found: nope',
    });
  });

  it('notify sends without an id and gets no reply', async () => {
    noted.length = 0;
    const { url } = await startServer({ methods: testMethods });
    const client = await connectClient(url);
    await client.notify('note', ['hello']);
    expect(await client.call('ping')).toBe('pong'); // replies arrive in order: the notification was handled
    expect(noted).toEqual(['["hello"]']);
  });

  it('batch returns one outcome per call, in order, skipping notifications', async () => {
    const { url } = await startServer({ methods: testMethods });
    const client = await connectClient(url);
    const results = await client.batch([
      { method: 'ping' },
      { method: 'note', params: ['x'], notify: true },
      { method: 'add', params: { a: 1, b: 1 } },
      { method: 'missing' },
    ]);
    expect(results).toHaveLength(3);
    expect(results[0]).toEqual({ ok: true, result: 'pong' });
    expect(results[1]).toEqual({ ok: true, result: 2 });
    expect(results[2]).toMatchObject({ ok: false, error: { code: -32601 } });
  });

  it('a call without a reply rejects with REQUEST_TIMEOUT', async () => {
    const { url } = await startServer({ methods: testMethods });
    const client = await connectClient(url, { timeoutMs: 100 });
    await expect(client.call('hang')).rejects.toMatchObject({ code: ClientErrorCode.REQUEST_TIMEOUT });
    expect(await client.call('ping')).toBe('pong');
  });

  it('connect to a closed port rejects with CONNECT_FAILED; calls after close() with CONNECTION_CLOSED', async () => {
    const { url, server } = await startServer();
    await server.close();
    const client = new WsRpcClient({ url, reconnect: false });
    await expect(client.connect()).rejects.toMatchObject({ code: ClientErrorCode.CONNECT_FAILED });
    await client.close();
    await expect(client.call('ping')).rejects.toMatchObject({ code: ClientErrorCode.CONNECTION_CLOSED });
  });

  it('sends the bearer token and the origin', async () => {
    const { url } = await startServer({ authToken: 't0ken', allowedOrigins: ['https://ui.example'] });
    const client = await connectClient(url, { authToken: 't0ken', origin: 'https://ui.example' });
    expect(await client.call('ping')).toBe('pong');
    const denied = new WsRpcClient({ url, reconnect: false, authToken: 'wrong' });
    await expect(denied.connect()).rejects.toMatchObject({ code: ClientErrorCode.CONNECT_FAILED });
  });

  it('reconnects after the server goes away and comes back on the same port', async () => {
    const first = await startServer({ closeTimeoutMs: 200 });
    const opens: number[] = [];
    const closes: number[] = [];
    const client = new WsRpcClient({
      url: first.url,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
      onOpen: () => opens.push(Date.now()),
      onClose: (code) => closes.push(code),
    });
    onTestFinished(() => client.close());
    await client.connect();
    expect(await client.call('ping')).toBe('pong');
    await first.server.close();
    await waitFor(() => closes.length === 1, 5000, 'the client to see the close');
    expect(closes).toEqual([1001]);

    const second = createWsRpcServer({ heartbeatIntervalMs: 0 });
    onTestFinished(() => second.close({ timeoutMs: 200 }));
    await second.listen({ host: '127.0.0.1', port: first.port });
    // call() waits through the reconnect (bounded by its timeout).
    expect(await client.call('ping', undefined, { timeoutMs: 5000 })).toBe('pong');
    expect(opens).toHaveLength(2);
  });
});

describe('method registry', () => {
  it('rpc.discover returns an OpenRPC document generated from the registry', async () => {
    const { url } = await startServer({ methods: { ping: methods.ping, add } });
    const client = await connectClient(url);
    const doc = await client.call<{
      openrpc: string;
      info: { title: string };
      methods: Array<{ name: string; params: Array<{ name: string; required?: boolean }>; result: unknown }>;
    }>('rpc.discover');
    expect(doc.openrpc).toMatch(/^1\./);
    expect(doc.info.title).toBe('ws-jsonrpc-camera-skeleton');
    const names = doc.methods.map((m) => m.name).sort();
    expect(names).toEqual(['add', 'ping']);
    const addDoc = doc.methods.find((m) => m.name === 'add');
    expect(addDoc?.params.map((p) => p.name)).toEqual(['a', 'b']);
    const pingDoc = doc.methods.find((m) => m.name === 'ping');
    expect(pingDoc?.params).toEqual([]);
    expect(pingDoc?.result).toMatchObject({ schema: { const: 'pong' } });
  });

  it('a handler that throws a plain Error gives -32603 without leaking its message', async () => {
    const boom = defineRpcMethod({
      handler: () => {
        throw new Error('secret database path /var/x');
      },
    });
    const { url } = await startServer({ methods: { ...methods, boom } });
    const client = await connectClient(url);
    await expect(client.call('boom')).rejects.toMatchObject({ code: -32603, message: 'Internal error' });
    expect(await client.call('ping')).toBe('pong');
  });
});
