import { STATUS_CODES } from 'node:http';

/**
 * The server's responses, built once at module load: the hot path only picks one and hands Node a
 * ready header array and body Buffer, so answering costs no string building or header validation.
 */

/** A response prepared ahead of time: status, flat `[name, value, ...]` header list and body. */
export interface PreparedResponse {
  readonly status: number;
  readonly headers: readonly string[];
  readonly body: Buffer;
  /** The body as a string: Node writes a string body in one piece with the header block. */
  readonly bodyText: string;
}

function prepare(status: number, body: string, extraHeaders: readonly string[] = []): PreparedResponse {
  const bytes = Buffer.from(body, 'utf8');
  return Object.freeze({
    status,
    // Order and spelling follow the spec's example response.
    headers: Object.freeze([
      'Content-Type',
      'text/plain',
      'Content-Length',
      String(bytes.length),
      ...extraHeaders,
      'Connection',
      'close',
    ]),
    body: bytes,
    bodyText: body,
  });
}

/** The body of every successful status response. */
export const STATUS_BODY = 'running';

/** `200 OK` with body `running`, sent for GET and (headers only) for HEAD. */
export const STATUS_RESPONSE: PreparedResponse = prepare(200, STATUS_BODY);

/** The methods the server answers; everything else gets {@link METHOD_NOT_ALLOWED_RESPONSE}. */
export const ALLOWED_METHODS = ['GET', 'HEAD'] as const;

/** `405 Method Not Allowed` with the `Allow` header RFC 9110 requires. */
export const METHOD_NOT_ALLOWED_RESPONSE: PreparedResponse = prepare(405, 'Method not allowed', [
  'Allow',
  ALLOWED_METHODS.join(', '),
]);

/** `400 Bad Request` for a request the parser let through but RFC 9112 forbids (two Host fields, ...). */
export const BAD_REQUEST_RESPONSE: PreparedResponse = prepare(400, 'Bad request');

/** `505 HTTP Version Not Supported` for any major version but 1 (HTTP/0.9, or HTTP/2 text). */
export const VERSION_NOT_SUPPORTED_RESPONSE: PreparedResponse = prepare(505, 'HTTP version not supported');

/**
 * The response as raw HTTP/1.1 bytes, for sockets Node's http layer has let go of (a CONNECT request
 * is handed over as a bare socket, so `ServerResponse` cannot answer it).
 */
export function rawBytesOf(prepared: PreparedResponse): Buffer {
  let head = `HTTP/1.1 ${prepared.status} ${STATUS_CODES[prepared.status] ?? ''}\r\n`;
  for (let i = 0; i + 1 < prepared.headers.length; i += 2) {
    head += `${prepared.headers[i]}: ${prepared.headers[i + 1]}\r\n`;
  }
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), prepared.body]);
}
