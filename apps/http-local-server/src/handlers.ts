import { METHOD_NOT_ALLOWED_RESPONSE, type PreparedResponse, STATUS_RESPONSE } from './responses.js';

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
