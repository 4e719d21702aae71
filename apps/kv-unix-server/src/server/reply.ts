import type { RequestId } from '../protocol/messages.js';

/**
 * Pre-serialised JSON a handler may return instead of an object, so stored values (kept as JSON text)
 * are spliced into the reply without a parse/stringify round trip.
 */
export class RawJson {
  constructor(readonly json: string) {}
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
