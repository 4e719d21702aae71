import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { normalizeOrigin } from './options.js';

/** Why an upgrade is refused: the HTTP status sent instead of `101`. */
export interface UpgradeRejection {
  status: 401 | 403 | 404 | 503;
  reason: string;
  headers?: Record<string, string>;
}

/** What the gate needs to know about the server. */
export interface UpgradeGateOptions {
  path: string;
  authToken: string | undefined;
  allowedOrigins: ReadonlySet<string>;
}

/** The state that changes while the server runs. */
export interface UpgradeGateState {
  closing: boolean;
  full: boolean;
}

/**
 * Decides an upgrade request before any WebSocket work: wrong path 404, shutting down 503, origin not
 * allowed 403, missing or wrong bearer token 401, connection limit reached 503. `null` = accept.
 */
export function checkUpgrade(
  req: IncomingMessage,
  options: UpgradeGateOptions,
  state: UpgradeGateState,
): UpgradeRejection | null {
  if (pathnameOf(req.url) !== options.path) return { status: 404, reason: 'Not Found' };
  if (state.closing) return { status: 503, reason: 'Server shutting down' };
  if (options.allowedOrigins.size > 0) {
    // Browsers always send Origin; tools that do not are not the cross-site threat this check is for.
    const origin = req.headers.origin;
    if (origin !== undefined && !options.allowedOrigins.has(normalizeOrigin(origin))) {
      return { status: 403, reason: 'Origin not allowed' };
    }
  }
  if (options.authToken !== undefined && !bearerMatches(req.headers.authorization, options.authToken)) {
    return { status: 401, reason: 'Unauthorized', headers: { 'WWW-Authenticate': 'Bearer' } };
  }
  if (state.full) return { status: 503, reason: 'Too many connections', headers: { 'Retry-After': '1' } };
  return null;
}

/** The path part of a request target, without the query string. */
export function pathnameOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** Constant-time check of an `Authorization: Bearer <token>` header. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match?.[1]) return false;
  // Hashing first gives equal lengths, so timingSafeEqual never throws and the length does not leak.
  return timingSafeEqual(sha256(match[1]), sha256(token));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
