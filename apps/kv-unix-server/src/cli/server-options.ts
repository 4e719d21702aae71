import { redisOptions } from '@sockworks/redis';
import { ConfigError } from '@sockworks/service';
import {
  type Config,
  defineCli,
  logFileOption,
  logLevelOption,
  logRequestsOption,
  logRotationOptions,
  metricsOptions,
} from '@sockworks/service/cli';
import { FSYNC_POLICIES } from '../server/persistence/data-file.js';
import { DEFAULT_REDIS_PREFIX } from '../server/redis/redis-store.js';
import { KV_SERVER_DEFAULTS, type KvServerOptions } from '../server/server.js';
import { socketOption } from './socket-option.js';

const D = KV_SERVER_DEFAULTS;

/** The server's flags and environment variables. */
export const serverCli = defineCli({
  name: 'kv-unix-server',
  configFile: { env: 'KV_CONFIG' },
  description:
    'Key-value command server: newline-delimited JSON requests on a Unix domain socket ' +
    '(echo, time, calculate, store, retrieve, list_keys, delete, ping, help).',
  options: {
    socket: socketOption('Unix socket path (at most 107 bytes)'),
    socketMode: {
      type: 'string',
      flag: '--socket-mode',
      env: 'KV_SOCKET_MODE',
      default: '0660',
      placeholder: 'octal',
      description: 'File mode of the socket',
    },
    maxLineBytes: {
      type: 'bytes',
      flag: '--max-line-bytes',
      env: 'KV_MAX_LINE_BYTES',
      default: D.maxLineBytes,
      min: 64,
      description: 'Longest request line; longer gets MESSAGE_TOO_LARGE and a close',
    },
    maxDepth: {
      type: 'int',
      flag: '--max-depth',
      env: 'KV_MAX_DEPTH',
      default: D.maxDepth,
      min: 1,
      max: 1000,
      description: 'Deepest JSON nesting accepted in a request',
    },
    maxConnections: {
      type: 'int',
      flag: '--max-connections',
      env: 'KV_MAX_CONNECTIONS',
      default: D.maxConnections,
      min: 1,
      description: 'Concurrent connections; the next one gets TOO_MANY_CONNECTIONS',
    },
    maxKeyBytes: {
      type: 'bytes',
      flag: '--max-key-bytes',
      env: 'KV_MAX_KEY_BYTES',
      default: D.maxKeyBytes,
      min: 1,
      description: 'Longest key (UTF-8 bytes); longer gets INVALID_INPUT',
    },
    maxKeys: {
      type: 'int',
      flag: '--max-keys',
      env: 'KV_MAX_KEYS',
      default: D.maxKeys,
      min: 1,
      description: 'Most keys stored; a store past it gets STORAGE_FULL',
    },
    maxStorageBytes: {
      type: 'bytes',
      flag: '--max-storage-bytes',
      env: 'KV_MAX_STORAGE_BYTES',
      default: D.maxStorageBytes,
      min: 1,
      description: 'Most bytes stored (keys + value JSON); a store past it gets STORAGE_FULL',
    },
    outputHighWaterMark: {
      type: 'bytes',
      flag: '--output-high-water-mark',
      env: 'KV_OUTPUT_HIGH_WATER_MARK',
      default: D.outputHighWaterMark,
      min: 1024,
      description: 'Unsent reply bytes per client before its input is paused',
    },
    outputStallTimeout: {
      type: 'duration',
      flag: '--output-stall-timeout',
      env: 'KV_OUTPUT_STALL_TIMEOUT',
      default: D.outputStallTimeoutMs,
      description:
        'Disconnect a client whose unsent replies stay over the high-water mark this long (0: never)',
    },
    messageTimeout: {
      type: 'duration',
      flag: '--message-timeout',
      env: 'KV_MESSAGE_TIMEOUT',
      default: D.messageTimeoutMs,
      description:
        'A request line must be complete this long after its first byte, else MESSAGE_TIMEOUT and a close (0: no deadline)',
    },
    partialBudget: {
      type: 'bytes',
      flag: '--partial-budget',
      env: 'KV_PARTIAL_BUDGET',
      default: D.partialBudgetBytes,
      min: 0,
      description:
        'Most bytes of unfinished request lines held across all clients; the line that passes it gets PARTIAL_BUDGET_EXCEEDED and a close (0: no budget)',
    },
    dataFile: {
      type: 'path',
      flag: '--data-file',
      env: 'KV_DATA_FILE',
      description: 'Append-only data file that keeps the store across restarts; unset: memory only',
    },
    fsync: {
      type: 'enum',
      flag: '--fsync',
      env: 'KV_FSYNC',
      choices: FSYNC_POLICIES,
      default: D.fsync,
      description: 'When the data file is fsync-ed: before every reply, once a second, or never',
    },
    compactMinBytes: {
      type: 'bytes',
      flag: '--compact-min-bytes',
      env: 'KV_COMPACT_MIN_BYTES',
      default: D.compactMinBytes,
      min: 1,
      description: 'Compact the data file once it is this large and over twice the live data',
    },
    ...redisOptions('KV'),
    redisPrefix: {
      type: 'string',
      flag: '--redis-prefix',
      env: 'KV_REDIS_PREFIX',
      default: DEFAULT_REDIS_PREFIX,
      placeholder: 'prefix',
      description:
        'With --redis-url: each entry is the Redis key <prefix><key>; the counters hash is <prefix> itself',
    },
    redisCluster: {
      type: 'boolean',
      flag: '--redis-cluster',
      env: 'KV_REDIS_CLUSTER',
      description:
        'With --redis-url: the URL is a seed node of a Redis Cluster (the other nodes are discovered)',
    },
    closeTimeout: {
      type: 'duration',
      flag: '--shutdown-grace',
      env: 'KV_SHUTDOWN_GRACE',
      default: D.closeTimeoutMs,
      description: 'Drain deadline on shutdown before connections are destroyed',
    },
    logLevel: logLevelOption('Log level (debug logs every command)'),
    logFile: logFileOption('KV_LOG_FILE', 'Also write logs to this file'),
    ...logRotationOptions('KV_LOG_FILE'),
    logRequests: logRequestsOption('KV'),
    ...metricsOptions('KV'),
  },
  examples: [
    'kv-unix-server',
    'kv-unix-server --socket /run/kv/kv.sock --data-file /var/lib/kv/data.log',
    'KV_MAX_KEYS=1000 kv-unix-server --log-level debug',
    'kv-unix-server --redis-url redis://127.0.0.1:6379 --redis-prefix kv:',
  ],
});

/** The parsed server configuration. */
export type ServerConfig = Config<typeof serverCli.spec.options>;

/** Parses an octal file mode such as `0660` or `660`. */
export function parseSocketMode(text: string): number {
  if (!/^0?[0-7]{3,4}$/.test(text)) {
    throw new ConfigError(
      `--socket-mode (KV_SOCKET_MODE): expected an octal mode such as 0660, got '${text}'`,
    );
  }
  return Number.parseInt(text, 8);
}

/** Maps the parsed flags onto server options (a shared store is opened separately: see redis/open.ts). */
export function serverOptionsFromConfig(config: ServerConfig): KvServerOptions {
  if (config.redisUrl !== undefined && config.dataFile !== undefined) {
    throw new ConfigError(
      '--redis-url (KV_REDIS_URL) and --data-file (KV_DATA_FILE) cannot be used together: Redis keeps the data',
    );
  }
  if (config.redisPrefix.length === 0) {
    throw new ConfigError('--redis-prefix (KV_REDIS_PREFIX) must not be empty');
  }
  return {
    socketPath: config.socket,
    socketMode: parseSocketMode(config.socketMode),
    maxLineBytes: config.maxLineBytes,
    maxDepth: config.maxDepth,
    maxConnections: config.maxConnections,
    maxKeyBytes: config.maxKeyBytes,
    maxKeys: config.maxKeys,
    maxStorageBytes: config.maxStorageBytes,
    outputHighWaterMark: config.outputHighWaterMark,
    outputStallTimeoutMs: config.outputStallTimeout,
    messageTimeoutMs: config.messageTimeout,
    partialBudgetBytes: config.partialBudget,
    closeTimeoutMs: config.closeTimeout,
    dataFile: config.dataFile,
    fsync: config.fsync,
    compactMinBytes: config.compactMinBytes,
  };
}
