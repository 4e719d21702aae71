import type { ServerOptions } from 'node:http';

/**
 * The HTTP "codec" is Node's own parser (llhttp); this module configures it with the server's limits
 * and holds the raw answers for requests the parser rejects before a request object exists.
 */

/** Parser limits; every one is a flag and an environment variable of the server. */
export interface ParserLimits {
  /** Time a client has to send the complete request head; slowloris clients are cut off after it. */
  headersTimeoutMs: number;
  /** Time a client has to send the complete request, body included. */
  requestTimeoutMs: number;
  /** Maximum size of the request line plus headers; larger heads get 431. */
  maxHeaderBytes: number;
  /** How often Node checks connections against the two timeouts (their granularity). */
  timeoutCheckIntervalMs: number;
}

/** Node `http.createServer` options for these limits. */
export function parserOptions(limits: ParserLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
    // Never the lenient parser: request smuggling defences depend on strict parsing.
    insecureHTTPParser: false,
    // Every response closes the connection (the spec's `Connection: close`), so Nagle only adds delay.
    noDelay: true,
  };
}

function rawResponse(status: number, reason: string, body: string): Buffer {
  return Buffer.from(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
    'latin1',
  );
}

const BAD_REQUEST = rawResponse(400, 'Bad Request', 'Bad request');
const REQUEST_TIMEOUT = rawResponse(408, 'Request Timeout', 'Request timeout');
const HEADERS_TOO_LARGE = rawResponse(
  431,
  'Request Header Fields Too Large',
  'Request header fields too large',
);

/** What the server does about a parser or timeout error on a connection. */
export interface ClientErrorAnswer {
  /** The status sent, or 0 when nothing is sent (the peer is gone). */
  status: number;
  /** The raw response bytes, empty when nothing is sent. */
  bytes: Buffer;
}

const SILENT: ClientErrorAnswer = { status: 0, bytes: Buffer.alloc(0) };

/**
 * Maps an error from Node's 'clientError' event to the raw response to write before closing:
 * header overflow -> 431, head or request timeout -> 408, any other parse error -> 400, and
 * nothing for transport errors (reset, broken pipe) where no one is left to read an answer.
 */
export function answerForClientError(code: string | undefined): ClientErrorAnswer {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, bytes: HEADERS_TOO_LARGE };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, bytes: REQUEST_TIMEOUT };
  if (code?.startsWith('HPE_')) return { status: 400, bytes: BAD_REQUEST };
  return SILENT;
}
