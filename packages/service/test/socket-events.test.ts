import { once } from 'node:events';
import { type AddressInfo, createConnection, createServer, type Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { destroySocketAfter, routeSocketEvents, socketEventListeners } from '../src/index.js';

/** A connected pair of sockets over loopback. */
async function pair(): Promise<{ server: Socket; client: Socket; close(): Promise<void> }> {
  const listener = createServer({ allowHalfOpen: true });
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const client = createConnection((listener.address() as AddressInfo).port, '127.0.0.1');
  const [server] = (await once(listener, 'connection')) as [Socket];
  // A peer that is destroyed mid-write resets the other side: expected here, never an uncaught error.
  client.on('error', () => {});
  server.on('error', () => {});
  return {
    server,
    client,
    close: () => new Promise((resolve) => listener.close(() => resolve())),
  };
}

describe('routeSocketEvents', () => {
  it("calls the handler's methods for the routed events, in stream order, with shared listeners", async () => {
    const { server, client, close } = await pair();
    const seen: string[] = [];
    class Conn {
      onData(chunk: Buffer) {
        seen.push(`data ${chunk.toString()}`);
      }
      onEnd() {
        seen.push('end');
        server.end();
      }
      onClose(hadError: boolean) {
        seen.push(`close ${hadError}`);
      }
    }
    routeSocketEvents(server, new Conn(), ['data', 'end', 'close']);
    expect(server.listeners('data')).toEqual([socketEventListeners.data]);
    expect(server.listenerCount('drain')).toBe(0);
    const closed = once(server, 'close');
    client.end('hello');
    client.resume();
    await closed;
    expect(seen).toEqual(['data hello', 'end', 'close false']);
    await close();
  });

  it('routes errors to onSocketError, and the shared drain listener works with once()', async () => {
    const { server, client, close } = await pair();
    const errors: string[] = [];
    let drained = 0;
    routeSocketEvents(
      server,
      { onSocketError: (err) => errors.push(err.message), onDrain: () => drained++ },
      ['error'],
    );
    server.once('drain', socketEventListeners.drain);
    server.emit('drain');
    server.emit('drain');
    server.emit('error', new Error('boom'));
    expect(drained).toBe(1);
    expect(errors).toEqual(['boom']);
    client.destroy();
    server.destroy();
    await close();
  });

  it('ignores events the handler does not implement', async () => {
    const { server, client, close } = await pair();
    routeSocketEvents(server, {}, ['data', 'end', 'drain', 'close', 'error']);
    const closed = once(server, 'close');
    client.end('ignored');
    await once(server, 'end');
    server.destroy();
    await closed;
    await close();
  });
});

describe('destroySocketAfter', () => {
  it('destroys a socket still open at the deadline, even one whose peer keeps sending', async () => {
    const { server, client, close } = await pair();
    server.resume();
    const sending = setInterval(() => client.write('x'), 5);
    destroySocketAfter(server, 60);
    await once(server, 'close');
    clearInterval(sending);
    expect(server.destroyed).toBe(true);
    client.destroy();
    await close();
  });

  it('clears its timer when the socket closes first', async () => {
    const { server, client, close } = await pair();
    const set = vi.spyOn(globalThis, 'setTimeout');
    const clear = vi.spyOn(globalThis, 'clearTimeout');
    try {
      destroySocketAfter(server, 60_000);
      const timer = set.mock.results.at(-1)?.value;
      expect(timer).toBeDefined();
      const closed = once(server, 'close');
      server.destroy();
      await closed;
      expect(clear).toHaveBeenCalledWith(timer);
    } finally {
      set.mockRestore();
      clear.mockRestore();
    }
    client.destroy();
    await close();
  });
});
