export { clientCli, type KvClientCliIo, runKvClientCli } from './cli/run.js';
export { serverCli } from './cli/server-options.js';
export { isKvError, KvClient, type KvClientOptions } from './client/client.js';
export type {
  CalculateResult,
  DeleteResult,
  EchoResult,
  HelpResult,
  ListKeysPage,
  ListKeysResult,
  PingResult,
  RetrieveResult,
  StoreResult,
  TimeResult,
} from './client/types.js';
export { CALCULATE_OPERATIONS, type CalculateOperation, type CommandHelp } from './protocol/commands.js';
export { DEFAULT_SOCKET_PATH } from './protocol/constants.js';
export type {
  KvErrorResponse,
  KvRequest,
  KvResponse,
  KvSuccessResponse,
  RequestId,
} from './protocol/messages.js';
export { calculate } from './server/commands/calculate.js';
export { createDefaultRegistry } from './server/commands/index.js';
export { type CommandContext, type CommandDefinition, CommandRegistry } from './server/commands/registry.js';
export { JsonText } from './server/json-text.js';
export type { AllKeys, KeyPage, KvStorage, MaybePromise } from './server/kv-storage.js';
export { createKvObservability, type KvObservabilityOptions } from './server/observability.js';
export { FSYNC_POLICIES, type FsyncPolicy } from './server/persistence/data-file.js';
export { type OpenRedisStoreOptions, openRedisStore } from './server/redis/open.js';
export { DEFAULT_REDIS_PREFIX, RedisKvStore, type RedisKvStoreOptions } from './server/redis/redis-store.js';
export { createKvServer, KV_SERVER_DEFAULTS, type KvServer, type KvServerOptions } from './server/server.js';
export { KvStore, type KvStoreLimits } from './server/store.js';
