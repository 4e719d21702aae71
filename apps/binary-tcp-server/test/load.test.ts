import { ClientErrorCode, ServiceErrorCode } from '@sockworks/error-codes';
import { connectionsReach } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { openIdleConnections, runLoad } from '../src/index.js';
import { startServer } from './helpers.js';

describe('runLoad (programmatic performance mode)', () => {
  it('returns the numbers of a short run (structure, not speed)', async () => {
    const { server, port } = await startServer();
    const progress: string[] = [];
    const result = await runLoad({
      host: '127.0.0.1',
      port,
      connections: 2,
      window: 8,
      durationMs: 200,
      warmupMs: 50,
      messageSize: 100,
      progressIntervalMs: 40,
      onProgress: (p) => progress.push(p.phase),
    });
    expect(result).toMatchObject({ type: 'echo', connections: 2, window: 8, messageSize: 100, errors: 0 });
    expect(result.requestBytes).toBe(4 + JSON.stringify({ type: 'echo', content: 'x'.repeat(100) }).length);
    expect(result.messages).toBeGreaterThan(0);
    expect(result.msgPerSec).toBeGreaterThan(0);
    expect(result.latencyMs.p50).toBeLessThanOrEqual(result.latencyMs.p99);
    expect(result.latencyMs.p99).toBeLessThanOrEqual(result.latencyMs.max);
    expect(progress).toContain('measure');
    // Every request was answered and the load connections are gone.
    await connectionsReach(server, 0, 'load connections closed');
  });

  it('counts error replies (ping load answered with pongs has none)', async () => {
    const { port } = await startServer();
    const result = await runLoad({
      host: '127.0.0.1',
      port,
      connections: 1,
      window: 2,
      durationMs: 100,
      warmupMs: 0,
      type: 'ping',
    });
    expect(result.type).toBe('ping');
    expect(result.errors).toBe(0);
  });

  it('rejects bad options and an unreachable server, with their codes', async () => {
    await expect(runLoad({ type: 'broadcast' as 'echo' })).rejects.toMatchObject({
      code: ServiceErrorCode.INVALID_CONFIG,
      message: 'type must be one of echo, ping, got broadcast',
    });
    for (const bad of [{ window: 0 }, { messageSize: -1 }]) {
      await expect(runLoad(bad)).rejects.toMatchObject({
        code: ServiceErrorCode.INVALID_CONFIG,
        message: expect.stringMatching(new RegExp(`^${Object.keys(bad)[0]} must be an integer`)),
      });
    }
    await expect(runLoad({ host: '127.0.0.1', port: 1, durationMs: 10 })).rejects.toMatchObject({
      code: ClientErrorCode.CONNECT_FAILED,
      message: expect.stringMatching(/^connection 1 of 4 to 127\.0\.0\.1:1: /),
    });
  });
});

describe('openIdleConnections', () => {
  it('opens and verifies idle connections', async () => {
    const { server, port } = await startServer();
    const idle = await openIdleConnections({ host: '127.0.0.1', port, connections: 300, batch: 50 });
    expect(idle.sockets).toHaveLength(300);
    expect(server.connections.size).toBe(300);
    idle.close();
    await connectionsReach(server, 0, 'closed');
  });

  it('rejects with the first failure, having closed every connection it opened', async () => {
    await expect(openIdleConnections({ host: '127.0.0.1', port: 1, connections: 3 })).rejects.toMatchObject({
      code: ClientErrorCode.CONNECT_FAILED,
    });
  });
});
