import { JsonRpcErrorCode, JsonRpcErrorMessage, ProtocolError } from '@sockworks/error-codes';
import { type FramingError, FramingErrorCode } from '@sockworks/framing';
import { invalidParams } from '@sockworks/jsonrpc';
import type { JsonObject } from '../protocol/messages.js';
import type { CodecLimits } from './codec.js';

export { invalidParams };

/** A JSON-RPC protocol error whose message starts with the standard words, e.g. "Invalid Request: ...". */
export function rpcError(code: number, detail?: string): ProtocolError<number> {
  const base = JsonRpcErrorMessage[code] ?? 'Server error';
  return new ProtocolError(code, detail === undefined ? base : `${base}: ${detail}`);
}

/** Reads `params` as an object: absent or null is `{}`, anything else but an object is INVALID_PARAMS. */
export function paramsObject(params: unknown): Record<string, unknown> {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params)) throw invalidParams('params must be an object');
  return params as Record<string, unknown>;
}

/** Reads a required string member of `params`. */
export function stringParam(params: unknown, name: string): string {
  const object = paramsObject(params);
  const value = Object.hasOwn(object, name) ? object[name] : undefined;
  if (typeof value !== 'string') throw invalidParams(`${name} must be a string`);
  return value;
}

/** The JSON-RPC code a chat business error gets in JSON-RPC 2.0 mode. */
export function jsonRpcCodeForChatError(code: string): number {
  return code === 'RATE_LIMITED' ? JsonRpcErrorCode.RATE_LIMITED : JsonRpcErrorCode.SERVER_ERROR_MAX;
}

/** The protocol error answering bad input: oversize, too deep and non-finite numbers are Invalid Request, the rest Parse error. */
export function framingErrorReply(error: FramingError, limits: CodecLimits): ProtocolError<number> {
  if (error.code === FramingErrorCode.FRAME_TOO_LARGE)
    return rpcError(JsonRpcErrorCode.INVALID_REQUEST, `request larger than ${limits.maxRequestBytes} bytes`);
  if (
    error.code === FramingErrorCode.MESSAGE_TIMEOUT ||
    error.code === FramingErrorCode.PARTIAL_BUDGET_EXCEEDED
  )
    return rpcError(JsonRpcErrorCode[error.code], error.message);
  if (error.code === FramingErrorCode.TOO_DEEP)
    return rpcError(JsonRpcErrorCode.INVALID_REQUEST, `JSON nested deeper than ${limits.maxDepth} levels`);
  // Valid JSON text, but a number in it (params, id, anywhere) has no double: the request as a whole is
  // unusable, found before its id could be trusted, so Invalid Request with id null, as for nesting.
  if (error.code === FramingErrorCode.NON_FINITE_NUMBER)
    return rpcError(JsonRpcErrorCode.INVALID_REQUEST, 'request holds a number outside the range of a double');
  return rpcError(JsonRpcErrorCode.PARSE_ERROR, error.message);
}

/** The spec's protocol error shape: `{"error": "Method not found", "code": -32601}`. */
export interface LegacyProtocolError extends JsonObject {
  error: string;
  code: number;
}

/** The spec's protocol error object for a numeric-code error. */
export function legacyError(err: ProtocolError<number>): LegacyProtocolError {
  return { error: err.message, code: err.code };
}

/** A protocol error that answers no particular request, in the client's dialect (JSON-RPC: id null). */
export function unboundError(err: ProtocolError<number>, jsonRpc: boolean): JsonObject {
  return jsonRpc
    ? { jsonrpc: '2.0', error: { code: err.code, message: err.message }, id: null }
    : legacyError(err);
}
