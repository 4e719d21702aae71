import { once } from 'node:events';
import { describe, expect, it, onTestFinished } from 'vitest';
import { TcpClient } from '../src/index.js';
import { startServerProcess } from './process-helpers.js';

describe('TcpClient against a server process', () => {
  it('reconnects after the server process is killed and started again on the same port', async () => {
    const first = await startServerProcess();
    const client = new TcpClient({
      host: '127.0.0.1',
      port: first.port,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    });
    onTestFinished(() => client.disconnect());
    await client.connect();
    expect(await client.echo('before')).toMatchObject({ content: 'before' });
    const attempts: number[] = [];
    client.on('reconnecting', (info) => attempts.push(info.attempt));

    // No graceful close: the process dies with the connection open.
    const disconnected = once(client, 'disconnect');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const [info] = (await disconnected) as [{ willReconnect: boolean }];
    expect(info.willReconnect).toBe(true);
    await expect(client.echo('while down')).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });

    const reconnected = once(client, 'reconnect');
    const second = await startServerProcess(['--port', String(first.port)]);
    expect(second.port).toBe(first.port);
    await reconnected;
    expect(client.connected).toBe(true);
    expect(attempts[0]).toBe(1);
    expect(await client.echo('after')).toMatchObject({ content: 'after' });
    const stats = await client.getServerStats();
    // A fresh process: the only messages it has seen are this connection's.
    expect(stats).toMatchObject({ connected_clients: 1, total_messages: 2 });
  });
});
