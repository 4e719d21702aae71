import { hostname } from 'node:os';
import type { Logger } from '@sockworks/logging';
import { connectRedis, connectRedisCluster } from '@sockworks/redis';
import type { KvStoreLimits } from '../store.js';
import { clusterKeyspace, linkKeyspace } from './redis-keyspace.js';
import { RedisKvStore } from './redis-store.js';

/** What `--redis-*` configure. */
export interface OpenRedisStoreOptions {
  url: string;
  /** The URL is a seed node of a Redis Cluster. */
  cluster: boolean;
  prefix: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  limits: KvStoreLimits;
  logger: Logger;
}

/**
 * Connects to Redis (or a Redis Cluster) within `connectTimeoutMs` and returns the store on it;
 * throws `UNAVAILABLE` naming the URL (credentials hidden) when Redis does not answer in time.
 */
export async function openRedisStore(options: OpenRedisStoreOptions): Promise<RedisKvStore> {
  const { logger } = options;
  const connect = {
    url: options.url,
    connectTimeoutMs: options.connectTimeoutMs,
    commandTimeoutMs: options.commandTimeoutMs,
    clientName: `kv-unix-server:${hostname()}:${process.pid}`,
    logger,
  };
  const keyspace = options.cluster
    ? clusterKeyspace(await connectRedisCluster(connect))
    : linkKeyspace(await connectRedis(connect));
  const store = new RedisKvStore({
    keyspace,
    limits: options.limits,
    prefix: options.prefix,
    onCounterDrift: (err) =>
      logger.warn(
        { err: { message: err instanceof Error ? err.message : String(err) } },
        'a store or delete succeeded but its Redis Cluster counter update failed; the key/byte counts drift by it',
      ),
  });
  logger.info(
    { cluster: options.cluster, prefix: options.prefix, exactLimits: store.exactLimits },
    'kv store in Redis',
  );
  return store;
}
