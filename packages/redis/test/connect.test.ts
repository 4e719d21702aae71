import { ProtocolError, ServiceErrorCode } from '@sockworks/error-codes';
import {
  freePort,
  redisAvailable,
  startRedisCluster,
  startRedisServer,
  waitFor,
} from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import {
  connectRedis,
  connectRedisCluster,
  isRedisUnavailable,
  orUnavailable,
  parseRedisUrl,
  type RedisLogger,
  redactRedisUrl,
  toUnavailable,
} from '../src/index.js';

function recordingLogger(): RedisLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (_f, m) => lines.push(`info ${m}`), warn: (_f, m) => lines.push(`warn ${m}`) };
}

describe('urls', () => {
  it('parses redis://, rediss:// and unix:// and refuses the rest', () => {
    expect(parseRedisUrl('redis://h:1')).toEqual({ kind: 'url', url: 'redis://h:1' });
    expect(parseRedisUrl('rediss://u:p@h:1/2').kind).toBe('url');
    expect(parseRedisUrl('unix:///tmp/r.sock?db=3')).toEqual({
      kind: 'unix',
      path: '/tmp/r.sock',
      database: 3,
    });
    expect(() => parseRedisUrl('http://h')).toThrow(/unsupported scheme http:/);
    expect(() => parseRedisUrl('nonsense')).toThrow(/not a URL/);
    expect(() => parseRedisUrl('unix:///x?db=a')).toThrow(/database number/);
  });

  it('hides credentials when redacting, and never repeats the password in a parse error', () => {
    expect(redactRedisUrl('redis://user:s3cret@h:6379/0')).toBe('redis://***:***@h:6379/0');
    expect(redactRedisUrl('redis://:s3cret@h:6379')).toBe('redis://:***@h:6379');
    expect(() => parseRedisUrl('ftp://u:s3cret@h')).toThrow(
      expect.not.stringContaining('s3cret') as unknown as Error,
    );
  });
});

describe.skipIf(!redisAvailable())('against a real redis-server', () => {
  it('connects over TCP and over a Unix socket', async () => {
    const redis = await startRedisServer();
    for (const url of [redis.url, redis.unixUrl]) {
      const link = await connectRedis({ url, clientName: 'sw-test' });
      await link.client.set('k', url);
      expect(await link.client.get('k')).toBe(url);
      expect(await redis.cli('client', 'list')).toContain('name=sw-test');
      await link.close();
      await link.close(); // idempotent
    }
  });

  it('gives up the first connection after the deadline with UNAVAILABLE and a redacted URL', async () => {
    const port = await freePort(); // nothing listens here
    const started = Date.now();
    const error = await connectRedis({
      url: `redis://u:pw-secret@127.0.0.1:${port}`,
      connectTimeoutMs: 300,
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(ProtocolError.is(error)).toBe(true);
    expect((error as ProtocolError).code).toBe(ServiceErrorCode.UNAVAILABLE);
    expect((error as Error).message).toMatch(/did not answer within 300 ms/);
    expect((error as Error).message).not.toContain('pw-secret');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('fails commands fast while Redis is away, reconnects, and runs the reconnect hooks', async () => {
    const redis = await startRedisServer();
    const logger = recordingLogger();
    const link = await connectRedis({
      url: redis.url,
      logger,
      backoff: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    let reconnects = 0;
    link.onReconnect(() => {
      reconnects++;
    });
    await redis.stop();
    await waitFor(() => !link.isReady, { what: 'the link to notice Redis is gone' });
    const failure = await orUnavailable(link.client.get('k')).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect((failure as ProtocolError).code).toBe(ServiceErrorCode.UNAVAILABLE);
    expect(isRedisUnavailable(failure)).toBe(true);
    await redis.start();
    await waitFor(() => reconnects === 1, { what: 'the reconnect hook to run once' });
    await link.client.set('k', 'v');
    expect(await link.client.get('k')).toBe('v');
    expect(logger.lines).toEqual(['warn redis connection lost; reconnecting', 'info redis connection back']);
    await link.close();
  });

  it('keeps Redis error replies as they are (a bug, not an outage)', async () => {
    const redis = await startRedisServer();
    const link = await connectRedis({ url: redis.url });
    await link.client.set('s', 'text');
    const err = await link.client.incr('s').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRedisUnavailable(err)).toBe(false);
    expect(toUnavailable(err)).toBe(err);
    await link.close();
  });

  it('connects to a three-master cluster through one seed node', { timeout: 120_000 }, async () => {
    const cluster = await startRedisCluster(3);
    const client = await connectRedisCluster({ url: cluster.url });
    for (let i = 0; i < 30; i++) await client.set(`key-${i}`, String(i));
    expect(client.masters).toHaveLength(3);
    expect(await client.get('key-17')).toBe('17');
    await client.close();
  });
});
