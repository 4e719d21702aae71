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

/**
 * Pre-serialised JSON a handler may return instead of an object, so stored values (kept as JSON text)
 * are spliced into the reply without a parse/stringify round trip.
 */
export class RawJson {
  constructor(readonly json: string) {}
}

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

const SUCCESS_HEAD = '{"type":"response","success":true';
const ERROR_HEAD = '{"type":"response","success":false';

/**
 * The fixed parts of reply lines for one timestamp. Built by hand because this runs once per request
 * on the hot path and the shape is fixed; a server reuses one envelope for every reply in the same
 * millisecond, so a reply without `request_id` costs one concatenation plus its `data`.
 */
export class ReplyEnvelope {
  readonly timestamp: string;
  readonly #dataTail: string;
  readonly #errorTail: string;
  readonly #successNoId: string;
  readonly #errorNoId: string;

  constructor(timestamp: string) {
    this.timestamp = timestamp;
    this.#dataTail = `,"timestamp":"${timestamp}","data":`;
    this.#errorTail = `,"timestamp":"${timestamp}","error":{"code":`;
    this.#successNoId = SUCCESS_HEAD + this.#dataTail;
    this.#errorNoId = ERROR_HEAD + this.#errorTail;
  }

  /** One success reply line (with the trailing newline); `data` is serialised unless it is RawJson. */
  success(requestId: RequestId | undefined, data: unknown): string {
    const body = data instanceof RawJson ? data.json : JSON.stringify(data);
    if (requestId === undefined) return `${this.#successNoId}${body}}\n`;
    return `${SUCCESS_HEAD},"request_id":${JSON.stringify(requestId)}${this.#dataTail}${body}}\n`;
  }

  /** One error reply line (with the trailing newline). */
  error(requestId: RequestId | undefined, code: string, message: string): string {
    const error = `${JSON.stringify(code)},"message":${JSON.stringify(message)}}}\n`;
    if (requestId === undefined) return this.#errorNoId + error;
    return `${ERROR_HEAD},"request_id":${JSON.stringify(requestId)}${this.#errorTail}${error}`;
  }
}

/** One success reply line (with the trailing newline). */
export function encodeSuccess(requestId: RequestId | undefined, timestamp: string, data: unknown): string {
  return new ReplyEnvelope(timestamp).success(requestId, data);
}

/** One error reply line (with the trailing newline). */
export function encodeError(
  requestId: RequestId | undefined,
  timestamp: string,
  code: string,
  message: string,
): string {
  return new ReplyEnvelope(timestamp).error(requestId, code, message);
}
