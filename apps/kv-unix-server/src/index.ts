export { clientCli, type KvClientCliIo, runKvClientCli } from './cli/run.js';
export { isKvError, KvClient, type KvClientOptions } from './client.js';
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
} from './client-types.js';
export { CALCULATE_OPERATIONS, type CalculateOperation, calculate } from './commands/calculate.js';
export { createDefaultRegistry } from './commands/index.js';
export {
  type CommandContext,
  type CommandDefinition,
  type CommandHelp,
  CommandRegistry,
} from './commands/registry.js';
export { serverCli } from './config.js';
export { FSYNC_POLICIES, type FsyncPolicy } from './persistence/data-file.js';
export {
  type KvErrorResponse,
  type KvRequest,
  type KvResponse,
  type KvSuccessResponse,
  RawJson,
  type RequestId,
} from './protocol.js';
export { createKvServer, KV_SERVER_DEFAULTS, type KvServer, type KvServerOptions } from './server.js';
export { KvStore, type KvStoreLimits } from './store.js';
