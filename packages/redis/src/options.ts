/**
 * The `--redis-*` options every app that can share state through Redis takes, named the same in each
 * app; only the environment prefix differs (`KV_REDIS_URL`, `CHAT_REDIS_URL`, `TCP_REDIS_URL`).
 */
export function redisOptions<const P extends string>(envPrefix: P) {
  return {
    redisUrl: {
      type: 'string',
      flag: '--redis-url',
      env: `${envPrefix}_REDIS_URL`,
      placeholder: 'url',
      secret: true,
      description:
        'Share state through this Redis: redis://[user:password@]host:port[/db], rediss://..., or unix:///path/redis.sock (unset: in-process state, no Redis)',
    },
    redisConnectTimeout: {
      type: 'duration',
      flag: '--redis-connect-timeout',
      env: `${envPrefix}_REDIS_CONNECT_TIMEOUT`,
      default: '5s',
      min: 100,
      max: 600_000,
      description: 'At start, exit 1 when Redis has not answered within this time',
    },
    redisCommandTimeout: {
      type: 'duration',
      flag: '--redis-command-timeout',
      env: `${envPrefix}_REDIS_COMMAND_TIMEOUT`,
      default: '2s',
      min: 10,
      max: 600_000,
      description: 'A Redis command not answered within this time fails the request with UNAVAILABLE',
    },
  } as const;
}
