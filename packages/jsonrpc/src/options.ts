import type { JsonRpcLogger } from './logger.js';
import type { JsonRpcErrorObject, JsonRpcResponse } from './types.js';

/**
 * Told about every request the engine answers (each batch member on its own), for metrics and request
 * logs: `start()` when it begins, `finish()` with the request as received and the response (undefined
 * for a notification). Both are called synchronously on the request path and must not throw.
 */
export interface JsonRpcCallObserver<C> {
  start(): number;
  finish(started: number, request: unknown, response: JsonRpcResponse | undefined, ctx: C): void;
}

/** Options of `JsonRpcEngine`. */
export interface JsonRpcEngineOptions<C = unknown> {
  /**
   * Most requests in one batch; a longer batch gets one error response (code BATCH_TOO_LARGE, -32010).
   * @default 100
   */
  maxBatch?: number;
  /**
   * Deepest array/object nesting accepted in a message (a top-level object is depth 1); deeper input
   * gets one "Invalid Request" response with id null and is never fully parsed.
   * @default 64
   */
  maxDepth?: number;
  /**
   * Answer unknown methods with "Method not found: <name>" instead of "Method not found".
   * @default false
   */
  methodNotFoundDetail?: boolean;
  /**
   * Receives handler failures and unserialisable results (error level), messages refused for depth and
   * validator errors thrown by `parse` (debug level). Untrusted text is never logged here.
   * @default silent
   */
  logger?: JsonRpcLogger;
  /**
   * Turns an error thrown by a handler into a JSON-RPC error object; return undefined to fall back to
   * the default (a ProtocolError with a numeric code keeps its code, message and data; anything else
   * becomes -32603 "Internal error").
   */
  mapError?: (error: unknown, method: string) => JsonRpcErrorObject | undefined;
  /** Times and counts each request (metrics, request logs). @default none */
  observer?: JsonRpcCallObserver<C>;
}

/** Defaults of `JsonRpcEngineOptions`. */
export const jsonRpcEngineDefaults = {
  maxBatch: 100,
  maxDepth: 64,
  methodNotFoundDetail: false,
} as const;

/** Longest method name echoed back by `methodNotFoundDetail`; longer names are cut. */
export const MAX_ECHOED_METHOD_NAME = 128;

/** Throws a RangeError naming the option when a limit is not a positive integer (or Infinity). */
export function checkLimit(name: string, value: number): number {
  if (value === Number.POSITIVE_INFINITY || (Number.isSafeInteger(value) && value >= 1)) return value;
  throw new RangeError(`JsonRpcEngine option ${name} must be a positive integer, got ${String(value)}`);
}
