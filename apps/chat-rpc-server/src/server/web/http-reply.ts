import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonObject } from '../../protocol/messages.js';

/**
 * The Content-Security-Policy of every response: scripts, styles and connections from this origin
 * only (no inline script or style, nothing from elsewhere), WebSockets to this origin (`'self'` covers
 * ws: of the same host in CSP 3 browsers; the explicit ws:/wss: sources are for older ones), never
 * framed, no plugins, forms only to here.
 */
export function contentSecurityPolicy(host: string | undefined): string {
  const ws = host !== undefined && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src 'self'${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every response carries, whatever it is (page, script, API reply, error). */
export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(req.headers.host));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** Sends `body` as JSON with `status` (API replies are never cached: they act for a user). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: JsonObject,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** An error in the API's shape, `{"status":"error","code":...,"message":...}`. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string | number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { status: 'error', code, message }, headers);
}
