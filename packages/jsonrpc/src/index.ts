export { type DiscoverOptions, JsonRpcEngine, type JsonRpcReply } from './engine.js';
export { type JsonRpcLogger, silentJsonRpcLogger } from './logger.js';
export { defineMethod, invalidParams, type MethodDefinition, type ParamsDefinition } from './method.js';
export {
  OPENRPC_VERSION,
  type OpenRpcContentDescriptor,
  type OpenRpcDocument,
  type OpenRpcInfo,
  type OpenRpcMethod,
} from './openrpc.js';
export { type JsonRpcCallObserver, type JsonRpcEngineOptions, jsonRpcEngineDefaults } from './options.js';
export { namedParams, type ParamField, type ParamFields, type ParamsOf, type ParamType } from './params.js';
export type {
  JsonRpcErrorObject,
  JsonRpcFailure,
  JsonRpcId,
  JsonRpcParams,
  JsonRpcRequest,
  JsonRpcResponse,
  JsonRpcSuccess,
  JsonSchema,
} from './types.js';
