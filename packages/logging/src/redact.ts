/**
 * Secrets in URLs and HTTP headers, replaced before a line is logged. One list for every app: a
 * refused WebSocket upgrade, a rejected HTTP request or an HTTP request sniffed on a JSON port all log
 * what the client sent, and clients put bearer tokens in `?token=` and `Authorization`.
 */

/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Query parameter names whose value is a secret, compared in lower case. A name also counts when it
 * ends with one of {@link SECRET_PARAM_SUFFIXES} (`access_token`, `X-Amz-Signature`, `clientSecret`).
 */
export const SECRET_PARAM_NAMES: readonly string[] = [
  'auth',
  'authorization',
  'code',
  'credential',
  'credentials',
  'jwt',
  'key',
  'pass',
  'passwd',
  'password',
  'pwd',
  'secret',
  'session',
  'sessionid',
  'sig',
  'signature',
  'token',
];

/** Name endings that make a query parameter secret (`access_token`, `apikey`, `api-key`, `clientSecret`, `sessionId`). */
export const SECRET_PARAM_SUFFIXES: readonly string[] = [
  'token',
  'secret',
  'password',
  'passwd',
  'apikey',
  'api_key',
  'api-key',
  '_key',
  '-key',
  'signature',
  'credential',
  'credentials',
  'sessionid',
  'session_id',
];

/** Header names whose value is a secret (lower case), in raw HTTP text and in header objects. */
export const SECRET_HEADER_NAMES: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-auth-token',
  'x-access-token',
  'x-csrf-token',
  'x-xsrf-token',
  'sec-websocket-protocol',
];

const PARAM_NAMES = new Set(SECRET_PARAM_NAMES);
const HEADER_NAMES = new Set(SECRET_HEADER_NAMES);

/** True when a query parameter of this name (any case, percent-encoding allowed) carries a secret. */
export function isSecretParam(name: string): boolean {
  let lower = name.toLowerCase();
  if (lower.includes('%') || lower.includes('+')) lower = decodeLenient(lower);
  if (PARAM_NAMES.has(lower)) return true;
  for (const suffix of SECRET_PARAM_SUFFIXES) if (lower.endsWith(suffix)) return true;
  return false;
}

/** True when a header of this name (any case) carries a secret. */
export function isSecretHeader(name: string): boolean {
  return HEADER_NAMES.has(name.trim().toLowerCase());
}

// A query (or form-like) pair: the name up to '=', the value up to '&', ';', '#', whitespace or a quote.
const PAIR = /([?&;])([^=&;#\s"'?]*)=([^&;#\s"']*)/g;
// Userinfo of an absolute URL: scheme://user:password@host.
const USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^/?#@\s:"']*:)([^/?#@\s"']*)@/gi;

/**
 * The URL or request target with the values of secret query parameters (and a userinfo password)
 * replaced by `[redacted]`; everything else, parameter order included, stays as it was. Text without
 * `?`, `&`, `;` or `@` is returned as is, so the common path costs two scans.
 */
export function redactUrl(url: string): string {
  let out = url;
  if (out.includes('@')) out = out.replace(USERINFO, `$1${REDACTED}@`);
  if (!/[?&;]/.test(out)) return out;
  return out.replace(PAIR, (pair: string, sep: string, name: string) =>
    isSecretParam(name) ? `${sep}${name}=${REDACTED}` : pair,
  );
}

// A header line in raw HTTP text: line start, a token name, a colon, the value to the end of the line.
const HEADER_LINE = /(^|\n)([!#$%&'*+.^_`|~0-9A-Za-z-]+)([ \t]*:[ \t]*)([^\r\n]*)/g;

/**
 * Raw HTTP text (a request head as received, or an excerpt of one) with secret query parameters in
 * the request line and the values of secret headers replaced. Also safe on text that is not HTTP.
 */
export function redactHttpText(text: string): string {
  const withUrls = redactUrl(text);
  if (!withUrls.includes(':')) return withUrls;
  return withUrls.replace(HEADER_LINE, (line: string, start: string, name: string, colon: string) =>
    isSecretHeader(name) ? `${start}${name}${colon}${REDACTED}` : line,
  );
}

/**
 * A copy of a header object (Node's `req.headers` shape) with secret header values replaced; the
 * input is not changed.
 */
export function redactHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): Record<string, string | readonly string[] | undefined> {
  const out: Record<string, string | readonly string[] | undefined> = Object.create(null);
  for (const [name, value] of Object.entries(headers)) {
    out[name] = value !== undefined && isSecretHeader(name) ? REDACTED : value;
  }
  return out;
}

function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
