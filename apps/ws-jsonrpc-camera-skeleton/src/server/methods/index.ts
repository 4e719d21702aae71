import type { RpcMethod } from './define.js';
import { ping } from './ping.js';

/** Methods by JSON-RPC name; each method's params type is checked in its own file. */
export type MethodRegistry = Readonly<Record<string, RpcMethod<unknown, unknown>>>;

/**
 * Every method the server offers. To add one: write `src/methods/<name>.ts` exporting a
 * `defineRpcMethod(...)`, then add one line here. `rpc.discover` is added by the server.
 */
export const methods = {
  ping,
} satisfies MethodRegistry;
