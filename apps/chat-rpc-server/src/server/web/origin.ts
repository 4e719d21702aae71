import type { IncomingMessage } from 'node:http';

/**
 * Normalises an origin to `scheme://host[:port]` (lower case, default ports dropped), or undefined when
 * it is not an http(s) origin. `null` (sandboxed frames, file: pages) is never allowed.
 */
export function normalizeOrigin(origin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.origin.toLowerCase();
}

/** Parses `--web-origins` (comma separated); every entry must be an http(s) origin. */
export function parseOrigins(list: string): string[] {
  const origins: string[] = [];
  for (const raw of list.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const origin = normalizeOrigin(entry);
    if (origin === undefined) throw new Error(`not an http(s) origin: ${JSON.stringify(entry)}`);
    origins.push(origin);
  }
  return origins;
}

/**
 * Whether a WebSocket upgrade's Origin may connect. With an allow-list: only its origins. Without one:
 * the server's own origin, i.e. the Origin's host:port is the request's Host (what a page served by
 * this listener sends, whatever name or port mapping the browser used). No Origin at all is a
 * non-browser client (curl, the `ws` package), not the cross-site threat the check is for.
 */
export function originAllowed(req: IncomingMessage, allowList: readonly string[]): boolean {
  const header = req.headers.origin;
  if (header === undefined) return true;
  const origin = normalizeOrigin(header);
  if (origin === undefined) return false;
  if (allowList.length > 0) return allowList.includes(origin);
  const host = req.headers.host;
  if (host === undefined) return false;
  const url = new URL(origin);
  return url.host === hostOf(url.protocol, host);
}

/** The Host header as URL.host spells it for `protocol` (lower case, that scheme's default port dropped). */
function hostOf(protocol: string, host: string): string | undefined {
  try {
    return new URL(`${protocol}//${host}`).host;
  } catch {
    return undefined;
  }
}
