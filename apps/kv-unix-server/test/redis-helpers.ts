import { silentLogger } from '@sockworks/logging';
import { onTestFinished } from 'vitest';
import { KvClient, type KvServer, type KvServerOptions, openRedisStore } from '../src/index.js';
import { startServer } from './helpers.js';

/** Limits of the stores these tests open unless a test gives its own. */
export const TEST_LIMITS = { maxKeyBytes: 1024, maxKeys: 100_000, maxTotalBytes: 64 * 1024 * 1024 };

/** An in-process kv server whose store is the Redis at `url` (closed with the server after the test). */
export async function startRedisKv(
  url: string,
  options: { cluster?: boolean; prefix?: string; limits?: typeof TEST_LIMITS; server?: KvServerOptions } = {},
): Promise<{ server: KvServer; path: string; kv: KvClient }> {
  const storage = await openRedisStore({
    url,
    cluster: options.cluster ?? false,
    prefix: options.prefix ?? 'kv:',
    connectTimeoutMs: 10_000,
    commandTimeoutMs: 5000,
    limits: options.limits ?? TEST_LIMITS,
    logger: silentLogger(),
  });
  const { server, path } = await startServer({ ...options.server, storage });
  const kv = await KvClient.connect(path);
  onTestFinished(() => kv.close());
  return { server, path, kv };
}
