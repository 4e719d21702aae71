import { KvErrorCode } from '@sockworks/error-codes';
import {
  freePort,
  redisAvailable,
  scaled,
  startRedisServer,
  tempDir,
  tempSocketPath,
  waitFor,
} from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { RawClient, ServerProcess } from './helpers.js';

// Child processes start through tsx: slow on a busy 2-core machine, so these get a generous timeout.
describe.skipIf(!redisAvailable())(
  'kv on Redis: faults (real redis-server)',
  { timeout: scaled(120_000) },
  () => {
    it('Redis unreachable at start: one clear line, exit 1 after --redis-connect-timeout', async () => {
      const port = await freePort();
      const proc = ServerProcess.spawn([
        '--socket',
        tempSocketPath(),
        '--redis-url',
        `redis://user:hunter2@127.0.0.1:${port}`,
        '--redis-connect-timeout',
        '300ms',
      ]);
      expect(await proc.exited).toBe(1);
      const lines = proc.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`127.0.0.1:${port}`);
      expect(lines[0]).toContain('did not answer within 300 ms');
      // The password is never printed or logged.
      expect(proc.stderr + proc.stdout).not.toContain('hunter2');
    });

    it('--redis-url with --data-file: one line, exit 2', async () => {
      const proc = ServerProcess.spawn([
        '--socket',
        tempSocketPath(),
        '--redis-url',
        'redis://127.0.0.1:1',
        '--data-file',
        `${tempDir('kv-')}/data.log`,
      ]);
      expect(await proc.exited).toBe(2);
      expect(proc.stderr.trim().split('\n')).toHaveLength(1);
      expect(proc.stderr).toContain('--data-file');
    });

    it('Redis killed while running: UNAVAILABLE on the open connection, then served again once Redis is back', async () => {
      const redis = await startRedisServer();
      const path = tempSocketPath();
      const proc = ServerProcess.spawn([
        '--socket',
        path,
        '--redis-url',
        redis.url,
        '--redis-command-timeout',
        '1s',
      ]);
      await proc.waitForLog('kv server started', 60_000);
      const client = await RawClient.connect(path);
      expect(await client.request({ command: 'store', data: { key: 'a', value: 1 } })).toMatchObject({
        success: true,
      });

      await redis.stop();
      await proc.waitForLog('redis connection lost; reconnecting', 30_000);
      for (const command of [
        { command: 'store', data: { key: 'b', value: 2 }, request_id: 'down-1' },
        { command: 'retrieve', data: { key: 'a' }, request_id: 'down-2' },
        { command: 'list_keys', request_id: 'down-3' },
        { command: 'ping', request_id: 'down-4' },
      ]) {
        expect(await client.request(command)).toMatchObject({
          type: 'response',
          success: false,
          request_id: command.request_id,
          error: { code: 'UNAVAILABLE', message: expect.stringContaining('Redis') },
        });
      }
      // Commands that need no Redis still work, on the same connection.
      expect(await client.request({ command: 'echo', data: { message: 'still here' } })).toMatchObject({
        success: true,
        data: { echo: 'still here' },
      });

      await redis.start();
      // The client reconnects with backoff (at most 5 s between tries); poll on the same connection.
      await waitFor(
        async () => {
          const reply = await client.request({ command: 'store', data: { key: 'b', value: 2 } });
          return reply.success === true;
        },
        { what: 'kv to store again after Redis came back', timeoutMs: scaled(30_000), intervalMs: 200 },
      );
      // The restarted Redis kept nothing (no persistence in the test): what was stored since is there.
      expect(await client.request({ command: 'retrieve', data: { key: 'b' } })).toMatchObject({
        success: true,
        data: { key: 'b', value: 2 },
      });
      expect(await client.request({ command: 'retrieve', data: { key: 'a' } })).toMatchObject({
        error: { code: KvErrorCode.KEY_NOT_FOUND },
      });
      expect(proc.exitCode).toBeUndefined();
      expect(proc.stdout).toContain('redis connection back');
      expect(proc.stdout + proc.stderr).not.toMatch(/unhandled|uncaught|fatal/i);
      // And it still stops cleanly on SIGTERM, closing its Redis connection.
      client.end();
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    });
  },
);
