import { JsonRpcErrorCode, JsonRpcErrorMessage, ProtocolError } from '@sockworks/error-codes';
import type { JsonSchema } from './types.js';

/** How a method's params are described (for discovery) and turned into the handler's typed input. */
export interface ParamsDefinition<P> {
  /** JSON Schema of the params (object schema for named params, array schema for positional ones). */
  schema: JsonSchema;
  /** Validates raw params (array, object or undefined) and returns the handler's input; throws `invalidParams()`. */
  parse(params: unknown): P;
}

/** A method: its documentation, its params parser and its handler. */
export interface MethodDefinition<P, R, C> {
  description?: string;
  params?: ParamsDefinition<P>;
  /** Documentation only: results are not validated at run time. */
  result?: { schema: JsonSchema };
  /** Receives the parsed params (or the raw params when `params` is absent) and the caller's context. */
  handler(params: P, ctx: C): R | Promise<R>;
}

/** Identity helper that infers `P`, `R` and `C` so handlers get typed params. */
export function defineMethod<P, R, C = unknown>(def: MethodDefinition<P, R, C>): MethodDefinition<P, R, C> {
  return def;
}

const INVALID_PARAMS = JsonRpcErrorMessage[JsonRpcErrorCode.INVALID_PARAMS] ?? 'Invalid params';

/** The error a params parser throws: answered as -32602 "Invalid params[: message]" with optional `data`. */
export function invalidParams(
  message?: string,
  data?: unknown,
): ProtocolError<typeof JsonRpcErrorCode.INVALID_PARAMS> {
  const text = message === undefined || message === '' ? INVALID_PARAMS : `${INVALID_PARAMS}: ${message}`;
  return new ProtocolError(JsonRpcErrorCode.INVALID_PARAMS, text, data === undefined ? undefined : { data });
}
