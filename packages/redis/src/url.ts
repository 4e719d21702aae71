/** Where a Redis URL points: a TCP URL for node-redis, or the path of a Unix socket. */
export type RedisEndpoint =
  | { kind: 'url'; url: string; database?: undefined }
  | { kind: 'unix'; path: string; database: number | undefined };

/**
 * Parses `redis://`, `rediss://` and `unix:///path?db=N` (node-redis takes a Unix socket only as a
 * socket path, not as a URL, so that form is ours). Throws a TypeError naming the problem, never
 * repeating the URL (it may hold a password).
 */
export function parseRedisUrl(text: string): RedisEndpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError('not a URL (expected redis://host:port, rediss://host:port or unix:///path)');
  }
  if (url.protocol === 'redis:' || url.protocol === 'rediss:') {
    if (url.hostname === '') throw new TypeError('the URL has no host');
    return { kind: 'url', url: text };
  }
  if (url.protocol === 'unix:') {
    const path = decodeURIComponent(url.pathname);
    if (path === '' || path === '/') throw new TypeError('the unix: URL has no socket path');
    const db = url.searchParams.get('db');
    if (db !== null && !/^\d{1,5}$/.test(db)) throw new TypeError('db must be a database number');
    return { kind: 'unix', path, database: db === null ? undefined : Number(db) };
  }
  throw new TypeError(`unsupported scheme ${url.protocol} (expected redis:, rediss: or unix:)`);
}

/** The URL with any user name and password replaced, fit for logs and error messages. */
export function redactRedisUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.username !== '' || url.password !== '') {
      url.username = url.username === '' ? '' : '***';
      url.password = url.password === '' ? '' : '***';
    }
    return url.toString();
  } catch {
    return '[unparsable URL]';
  }
}
