import { JsonRpcErrorCode, JsonRpcErrorMessage } from '@sockworks/error-codes';
import type { JsonRpcErrorObject, JsonRpcFailure, JsonRpcId } from './types.js';

/** The specification's wording for a standard code ("Parse error", "Invalid Request", ...). */
export function standardMessage(code: number): string {
  return JsonRpcErrorMessage[code] ?? 'Server error';
}

/** A failed Response with the given id and error. */
export function errorResponse(id: JsonRpcId, error: JsonRpcErrorObject): JsonRpcFailure {
  return { jsonrpc: '2.0', error, id };
}

/** `{"code": -32700, "message": "Parse error"}` with id null. */
export function parseErrorResponse(): JsonRpcFailure {
  return errorResponse(null, {
    code: JsonRpcErrorCode.PARSE_ERROR,
    message: standardMessage(JsonRpcErrorCode.PARSE_ERROR),
  });
}

/** `{"code": -32600, "message": "Invalid Request[: detail]"}`. */
export function invalidRequestResponse(id: JsonRpcId, detail?: string): JsonRpcFailure {
  const base = standardMessage(JsonRpcErrorCode.INVALID_REQUEST);
  return errorResponse(id, {
    code: JsonRpcErrorCode.INVALID_REQUEST,
    message: detail === undefined ? base : `${base}: ${detail}`,
  });
}

/** `{"code": -32603, "message": "Internal error"}`: never carries the underlying error's text. */
export function internalErrorResponse(id: JsonRpcId): JsonRpcFailure {
  return errorResponse(id, {
    code: JsonRpcErrorCode.INTERNAL_ERROR,
    message: standardMessage(JsonRpcErrorCode.INTERNAL_ERROR),
  });
}

/** A single error for a batch longer than the limit (code BATCH_TOO_LARGE, -32010). */
export function batchTooLargeResponse(length: number, max: number): JsonRpcFailure {
  return errorResponse(null, {
    code: JsonRpcErrorCode.BATCH_TOO_LARGE,
    message: standardMessage(JsonRpcErrorCode.BATCH_TOO_LARGE),
    data: { length, max },
  });
}
