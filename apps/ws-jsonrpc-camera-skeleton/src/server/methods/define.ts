import { defineMethod, invalidParams, type MethodDefinition } from '@sockworks/jsonrpc';
import type { RpcContext } from '../context.js';

/** A method of this server: its handler sees typed params and the connection's {@link RpcContext}. */
export type RpcMethod<P = unknown, R = unknown> = MethodDefinition<P, R, RpcContext>;

/** Defines a method with the context fixed to {@link RpcContext}, so only params and result need typing. */
export function defineRpcMethod<P, R>(def: RpcMethod<P, R>): RpcMethod<P, R> {
  return defineMethod(def);
}

/** Params spec for a method that takes none: absent, `[]` and `{}` are accepted, anything else is -32602. */
export const noParams = {
  schema: { type: 'object', properties: {}, additionalProperties: false },
  parse(params: unknown): undefined {
    if (params === undefined) return undefined;
    if (Array.isArray(params) && params.length === 0) return undefined;
    if (
      typeof params === 'object' &&
      params !== null &&
      !Array.isArray(params) &&
      Object.keys(params).length === 0
    ) {
      return undefined;
    }
    throw invalidParams('this method takes no parameters');
  },
};
