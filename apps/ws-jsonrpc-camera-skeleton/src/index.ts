export { ClientErrorCode } from '@sockworks/error-codes';
export { runTestSuite, type TestSuiteOptions } from './cli/test-suite.js';
export { WsRpcClient } from './client/client.js';
export type {
  BatchEntry,
  BatchResult,
  CallOptions,
  ReconnectOptions,
  WsRpcClientOptions,
} from './client/types.js';
export { fromWireError } from './client/wire.js';
export { GOING_AWAY } from './server/connection.js';
export type { RpcContext } from './server/context.js';
export { defineRpcMethod, noParams, type RpcMethod } from './server/methods/define.js';
export { type MethodRegistry, methods } from './server/methods/index.js';
export { ping } from './server/methods/ping.js';
export { createWsObservability, type WsObservabilityOptions } from './server/observability.js';
export { DEFAULT_SERVER_OPTIONS, type MessageLogLevel, type WsRpcServerOptions } from './server/options.js';
export {
  createWsRpcServer,
  HTTP_SOCKET_HEADROOM,
  type WsListenTarget,
  WsRpcServer,
} from './server/server.js';
