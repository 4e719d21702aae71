import { type JsonRpcCallObserver, JsonRpcEngine } from '@sockworks/jsonrpc';
import type { Logger } from '@sockworks/logging';
import type { RpcContext } from './context.js';
import type { RpcMethod } from './methods/define.js';
import type { MethodRegistry } from './methods/index.js';
import type { MessageLogLevel } from './options.js';

/** Options of {@link createRpcEngine}. */
export interface RpcEngineOptions {
  methods: MethodRegistry;
  maxBatch: number;
  maxDepth: number;
  info: { title: string; version: string };
  /** Level of the "<Method> method called" line. */
  callLogLevel: MessageLogLevel;
  logger: Logger;
  /** Times and counts each request (metrics, request logs). @default none */
  observer?: JsonRpcCallObserver<RpcContext> | undefined;
}

const DISCOVER = 'rpc.discover';

/**
 * Builds the JSON-RPC engine: every method of the registry plus `rpc.discover` answering the OpenRPC
 * document of the registry, each call logged as the spec's "Ping method called".
 */
export function createRpcEngine(options: RpcEngineOptions): JsonRpcEngine<RpcContext> {
  const engine = new JsonRpcEngine<RpcContext>({
    maxBatch: options.maxBatch,
    maxDepth: options.maxDepth,
    // The spec's client expects "Method not found: invalid_method".
    methodNotFoundDetail: true,
    logger: options.logger,
    ...(options.observer === undefined ? {} : { observer: options.observer }),
  });
  for (const [name, def] of Object.entries(options.methods)) {
    engine.register(name, withCallLog(name, def, options.callLogLevel, options.logger));
  }
  // rpc.discover is the engine's own method (register() refuses "rpc.*"): `wrap` gives it the same line.
  engine.registerDiscover(options.info, {
    wrap: (def) => withCallLog(DISCOVER, def, options.callLogLevel, options.logger),
  });
  return engine;
}

function withCallLog<P, R>(
  name: string,
  def: RpcMethod<P, R>,
  level: MessageLogLevel,
  root: Logger,
): RpcMethod<P, R> {
  // Decided once, like the message lines: with the line off, the method runs unwrapped.
  if (level === 'silent' || !root.isLevelEnabled(level)) return def;
  const line = `${name.charAt(0).toUpperCase()}${name.slice(1)} method called`;
  const handler = def.handler;
  return {
    ...def,
    handler(params, ctx) {
      ctx.logger[level]({ method: name }, line);
      return handler.call(def, params, ctx);
    },
  };
}
