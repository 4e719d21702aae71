import type { IncomingMessage } from 'node:http';
import {
  BAD_REQUEST_RESPONSE,
  METHOD_NOT_ALLOWED_RESPONSE,
  type PreparedResponse,
  STATUS_RESPONSE,
  VERSION_NOT_SUPPORTED_RESPONSE,
} from './responses.js';

/**
 * The whole business logic: which prepared response answers a request with this method. Every path
 * gets the same answer (the spec's server ignores the path). Method names are case-sensitive
 * (RFC 9110 section 9.1), so `get` is not GET.
 */
export function responseFor(method: string | undefined): PreparedResponse {
  return method === 'GET' || method === 'HEAD' ? STATUS_RESPONSE : METHOD_NOT_ALLOWED_RESPONSE;
}

/** True when the response to this method carries no body (HEAD: headers only, same Content-Length). */
export function omitsBody(method: string | undefined): boolean {
  return method === 'HEAD';
}

/** The parts of a parsed request the checks below read. */
export type RequestHead = Pick<IncomingMessage, 'method' | 'url' | 'httpVersionMajor' | 'rawHeaders'>;

/**
 * The answer to a request Node's parser accepted: the checks RFC 9112 asks of a server that llhttp
 * leaves to the application, then {@link responseFor}. llhttp already refuses the framing classics
 * (Content-Length with Transfer-Encoding, differing or listed Content-Length values, obs-fold, bad
 * header names, bare LF) and HTTP/1.1 without Host; what is left is checked here:
 * - a major version other than 1 (HTTP/0.9 `GET /`, `HTTP/2.0` as text): 505;
 * - more than one Host field line, or a Host value that is not `uri-host [":" port]`: 400
 *   (RFC 9112 section 3.2: "MUST respond with a 400");
 * - asterisk-form (`*`) with a method other than OPTIONS: 400 (section 3.2.4).
 * Absolute-form targets are accepted as the RFC requires (section 3.2.2); the server ignores the target.
 */
export function answerFor(req: RequestHead): PreparedResponse {
  if (req.httpVersionMajor !== 1) return VERSION_NOT_SUPPORTED_RESPONSE;
  if (!hostIsValid(req.rawHeaders)) return BAD_REQUEST_RESPONSE;
  if (req.url === '*' && req.method !== 'OPTIONS') return BAD_REQUEST_RESPONSE;
  return responseFor(req.method);
}

// uri-host [ ":" port ] (RFC 3986): an IP literal in brackets, or a reg-name / IPv4 address built from
// unreserved, pct-encoded and sub-delims characters. Empty is allowed (RFC 9112 section 3.2).
const HOST_VALUE = /^(?:\[[0-9A-Za-z:.\-_~!$&'()*+,;=]+\]|[0-9A-Za-z\-._~%!$&'()*+,;=]*)(?::[0-9]*)?$/;

/** True unless `rawHeaders` holds more than one Host line or an invalid Host value. */
function hostIsValid(rawHeaders: readonly string[]): boolean {
  let host: string | undefined;
  // rawHeaders is [name, value, ...] as received; Node's req.headers keeps only the first Host.
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length === 4 && name.toLowerCase() === 'host') {
      if (host !== undefined) return false;
      host = rawHeaders[i + 1] as string;
    }
  }
  return host === undefined || HOST_VALUE.test(host);
}
