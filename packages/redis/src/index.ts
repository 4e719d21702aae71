/** Redis connections for sockworks services (see README). */
export {
  connectRedis,
  connectRedisCluster,
  type RedisClient,
  type RedisCluster,
  type RedisConnectOptions,
  RedisLink,
  type RedisLogger,
} from './connect.js';
export { isRedisUnavailable, orUnavailable, toUnavailable } from './errors.js';
export { redisOptions } from './options.js';
export { parseRedisUrl, type RedisEndpoint, redactRedisUrl } from './url.js';
