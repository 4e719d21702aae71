export { ClientErrorCode } from '@sockworks/error-codes';
export { runTestSuite, type TestSuiteOptions } from './cli/test-suite.js';
export { WsRpcClient } from './client.js';
export type {
  BatchEntry,
  BatchResult,
  CallOptions,
  ReconnectOptions,
  WsRpcClientOptions,
} from './client-types.js';
export { fromWireError } from './client-wire.js';
export { GOING_AWAY } from './connection.js';
export type { RpcContext } from './context.js';
export { defineRpcMethod, noParams, type RpcMethod } from './methods/define.js';
export { type MethodRegistry, methods } from './methods/index.js';
export { ping } from './methods/ping.js';
export { DEFAULT_SERVER_OPTIONS, type MessageLogLevel, type WsRpcServerOptions } from './options.js';
export { createWsRpcServer, HTTP_SOCKET_HEADROOM, type WsListenTarget, WsRpcServer } from './server.js';
