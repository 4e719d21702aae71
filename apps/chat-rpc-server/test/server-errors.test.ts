import { PassThrough } from 'node:stream';
import { createLogger } from '@sockworks/logging';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type ChatServer, createChatServer } from '../src/server/server.js';
import { RawClient, waitFor } from './helpers.js';

/** A ChatServer on an ephemeral port whose log lines are collected; closed when the test ends. */
async function startServer(): Promise<{ server: ChatServer; port: number; logs: () => string[] }> {
  const sink = new PassThrough();
  let text = '';
  sink.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  const logger = createLogger({ service: 'test', level: 'error', pretty: false, destination: sink });
  const server = createChatServer({ logger });
  onTestFinished(() => server.close({ timeoutMs: 500 }));
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  if (address.kind !== 'tcp') throw new Error('expected a TCP address');
  const logs = () => text.split('\n').filter((line) => line !== '');
  return { server, port: address.port, logs };
}

describe('ChatServer: a failing handler never escapes a socket callback', () => {
  it('an afterReply callback that throws is logged; the reply, the other callbacks and the connection survive', async () => {
    const { server, port, logs } = await startServer();
    let ranSecond = false;
    server.register('boom_after', {
      parseParams: () => undefined,
      handler: (_params, { afterReply }) => {
        afterReply(() => {
          throw new Error('broadcast failed');
        });
        afterReply(() => {
          ranSecond = true;
        });
        return { status: 'success', message: 'done' };
      },
    });
    const c = await RawClient.connect(port);
    expect(await c.request({ method: 'boom_after' })).toEqual({ status: 'success', message: 'done' });
    expect(ranSecond).toBe(true);
    // Same in the JSON-RPC 2.0 dialect, where replies go through the async engine.
    expect(await c.request({ jsonrpc: '2.0', method: 'boom_after', id: 1 })).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { status: 'success', message: 'done' },
    });
    expect(await c.request({ method: 'ping' })).toEqual({ status: 'success', message: 'pong' });
    await waitFor(() => logs().length >= 2, 'error log lines');
    expect(logs().every((line) => line.includes('afterReply callback failed'))).toBe(true);
  });

  it('a reply that cannot be serialised becomes Internal error; the connection stays usable', async () => {
    const { server, port, logs } = await startServer();
    server.register('bigint', {
      parseParams: () => undefined,
      handler: () => ({ status: 'success', value: 10n }),
    });
    const c = await RawClient.connect(port);
    expect(await c.request({ method: 'bigint' })).toEqual({ error: 'Internal error', code: -32603 });
    expect(await c.request({ jsonrpc: '2.0', method: 'bigint', id: 7 })).toMatchObject({
      jsonrpc: '2.0',
      error: { code: -32603, message: 'Internal error' },
    });
    expect(await c.request({ method: 'ping' })).toEqual({ status: 'success', message: 'pong' });
    expect(c.closed).toBe(false);
    await waitFor(() => logs().some((line) => line.includes('reply could not be serialised')), 'error log');
  });
});
