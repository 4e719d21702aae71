import { createServer } from 'node:net';
import { ClientErrorCode, KvErrorCode, ProtocolError } from '@sockworks/error-codes';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isKvError, KvClient } from '../src/index.js';
import { startServer, tempSocketPath } from './helpers.js';

async function connect(path: string): Promise<KvClient> {
  const client = await KvClient.connect(path);
  onTestFinished(() => client.destroy());
  return client;
}

describe('KvClient', () => {
  it('has one typed method per command', async () => {
    const { path } = await startServer();
    const kv = await connect(path);
    expect(await kv.echo('hi')).toEqual({ echo: 'hi' });
    expect((await kv.time()).formatted).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect((await kv.calculate('multiply', 6, 7)).result).toBe(42);
    expect(await kv.store('user', { name: 'ada' })).toMatchObject({ key: 'user', stored: true });
    expect(await kv.retrieve<{ name: string }>('user')).toEqual({ key: 'user', value: { name: 'ada' } });
    expect(await kv.listKeys()).toEqual({ keys: ['user'], count: 1 });
    expect((await kv.ping()).storage_size).toBe(1);
    expect(await kv.delete('user')).toMatchObject({ key: 'user', deleted: true });
    expect(Object.keys((await kv.help()).commands)).toContain('calculate');
    await kv.close();
    expect(kv.closed).toBe(true);
  });

  it('error replies reject with ProtocolError carrying the server code', async () => {
    const { path } = await startServer();
    const kv = await connect(path);
    const err = await kv.retrieve('missing').catch((e: unknown) => e);
    expect(ProtocolError.is(err)).toBe(true);
    expect((err as ProtocolError).code).toBe(KvErrorCode.KEY_NOT_FOUND);
    expect(isKvError(err, KvErrorCode.KEY_NOT_FOUND)).toBe(true);
    await expect(kv.calculate('divide', 1, 0)).rejects.toMatchObject({ code: 'MATH_ERROR' });
    await expect(kv.request('nope')).rejects.toMatchObject({ code: 'UNKNOWN_COMMAND' });
    // send() returns error replies instead of rejecting.
    const raw = await kv.send('calculate', { operation: 'add', a: '10', b: 5 });
    expect(raw).toMatchObject({ success: false, error: { code: 'INVALID_INPUT' } });
  });

  it('pipelines many requests on one connection, matching replies by id', async () => {
    const { path } = await startServer();
    const kv = await connect(path);
    const stores = Array.from({ length: 500 }, (_, i) => kv.store(`k${i}`, i));
    expect(kv.pending).toBe(500);
    await Promise.all(stores);
    const values = await Promise.all(Array.from({ length: 500 }, (_, i) => kv.retrieve<number>(`k${i}`)));
    expect(values.map((v) => v.value)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(kv.pending).toBe(0);
  });

  it('close() waits for replies in flight', async () => {
    const { path } = await startServer();
    const kv = await connect(path);
    const pings = [kv.ping(), kv.ping(), kv.ping()];
    await kv.close();
    expect((await Promise.all(pings)).every((p) => p.status === 'ok')).toBe(true);
    await expect(kv.ping()).rejects.toMatchObject({ code: ClientErrorCode.CONNECTION_CLOSED });
  });

  it('rejects outstanding requests with CONNECTION_CLOSED when the server goes away', async () => {
    const path = tempSocketPath();
    const silent = createServer((socket) => {
      socket.on('data', () => socket.destroy());
    });
    await new Promise<void>((resolve) => silent.listen(path, resolve));
    onTestFinished(() => {
      silent.close();
    });
    const kv = await connect(path);
    const err = await kv.ping().catch((e: unknown) => e);
    expect(ProtocolError.is(err)).toBe(true);
    expect((err as ProtocolError).code).toBe(ClientErrorCode.CONNECTION_CLOSED);
  });

  it('times out requests when requestTimeoutMs is set', async () => {
    const path = tempSocketPath();
    const mute = createServer(() => {});
    await new Promise<void>((resolve) => mute.listen(path, resolve));
    onTestFinished(() => {
      mute.close();
    });
    const kv = await KvClient.connect(path, { requestTimeoutMs: 50 });
    onTestFinished(() => kv.destroy());
    await expect(kv.ping()).rejects.toMatchObject({ code: ClientErrorCode.REQUEST_TIMEOUT });
  });

  it('connect() rejects when nothing listens', async () => {
    const err = await KvClient.connect(tempSocketPath()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ClientErrorCode.CONNECT_FAILED, cause: { code: 'ENOENT' } });
    expect(ProtocolError.is(err)).toBe(true);
  });

  it('the connection-limit error reaches the caller as TOO_MANY_CONNECTIONS', async () => {
    const { path } = await startServer({ maxConnections: 1 });
    const first = await connect(path);
    await first.ping();
    const second = await connect(path);
    await expect(second.ping()).rejects.toMatchObject({ code: 'TOO_MANY_CONNECTIONS' });
  });
});
