import { KvErrorCode, ProtocolError } from '@sockworks/error-codes';

/** A request id as the client sent it; echoed verbatim in the reply. */
export type RequestId = string | number | null;

/** A validated request line: `{ command, request_id?, data? }`. */
export interface KvRequest {
  command: string;
  /** `undefined` when the client sent no `request_id`. */
  requestId: RequestId | undefined;
  data: Record<string, unknown>;
}

/** The wire shape of a success reply. */
export interface KvSuccessResponse<D = unknown> {
  type: 'response';
  success: true;
  request_id?: RequestId;
  timestamp: string;
  data: D;
}

/** The wire shape of an error reply. */
export interface KvErrorResponse {
  type: 'response';
  success: false;
  request_id?: RequestId;
  timestamp: string;
  error: { code: string; message: string };
}

/** Any reply line the server sends. */
export type KvResponse<D = unknown> = KvSuccessResponse<D> | KvErrorResponse;

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request id of a message if it carries a valid one, so even a rejected request can be correlated. */
export function peekRequestId(message: unknown): RequestId | undefined {
  if (!isJsonObject(message)) return undefined;
  const id = message.request_id;
  return typeof id === 'string' || typeof id === 'number' || id === null ? id : undefined;
}

/** Validates a decoded line as a request; throws INVALID_REQUEST naming what is wrong. */
export function parseRequest(message: unknown): KvRequest {
  if (!isJsonObject(message)) {
    throw new ProtocolError(KvErrorCode.INVALID_REQUEST, 'Request must be a JSON object');
  }
  const { command, data } = message;
  if (command === undefined) {
    throw new ProtocolError(KvErrorCode.INVALID_REQUEST, "Missing 'command' field");
  }
  if (typeof command !== 'string') {
    throw new ProtocolError(KvErrorCode.INVALID_REQUEST, "'command' must be a string");
  }
  const rawId = message.request_id;
  if (rawId !== undefined && typeof rawId !== 'string' && typeof rawId !== 'number' && rawId !== null) {
    throw new ProtocolError(KvErrorCode.INVALID_REQUEST, "'request_id' must be a string or a number");
  }
  if (data !== undefined && !isJsonObject(data)) {
    throw new ProtocolError(KvErrorCode.INVALID_REQUEST, "'data' must be a JSON object");
  }
  return { command, requestId: rawId, data: data ?? {} };
}
