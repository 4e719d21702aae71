import type { Buffer } from 'node:buffer';

/**
 * A single call without params, recognised on its raw bytes: `{"jsonrpc":"2.0","method":"ping","id":1}`.
 * The method name is `bytes[methodStart..methodEnd)` (printable ASCII, so one byte per character); `idJson`
 * is the id exactly as it appeared, which is also how the general path would serialise it back.
 */
export interface SimpleCall {
  methodStart: number;
  methodEnd: number;
  id: string | number;
  idJson: string;
}

/** Longer messages are left to the general path: the shortcut pays off on small calls only. */
export const MAX_SIMPLE_CALL_BYTES = 512;

/** Integers of up to 15 digits survive JSON.parse + JSON.stringify digit for digit. */
const MAX_ID_DIGITS = 15;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const KEY_JSONRPC = 1;
const KEY_METHOD = 2;
const KEY_ID = 4;

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Recognises the commonest message on the raw bytes, without JSON.parse: one Request object with exactly
 * the members `jsonrpc` ("2.0"), `method` and `id`, in any order, with any JSON whitespace between tokens.
 * Strings must be printable ASCII without escapes, and the id a plain integer of at most 15 digits (not
 * -0) or such a string. Everything else (params, other members, duplicates, escapes, non-ASCII, fractions,
 * exponents, null ids, notifications, batches, invalid JSON) returns undefined and takes the general path,
 * which answers every message this accepts in the same way.
 */
export function parseSimpleCall(bytes: Buffer): SimpleCall | undefined {
  const n = bytes.length;
  if (n > MAX_SIMPLE_CALL_BYTES) return undefined;
  return parseCompactCall(bytes, n) ?? parseAnyLayout(bytes, n);
}

const COMPACT_HEAD = asciiCodes('{"jsonrpc":"2.0","method":"');
const COMPACT_ID = asciiCodes('","id":');

/**
 * The layout JSON.stringify gives `{jsonrpc, method, id}` with an integer id, checked byte by byte: the
 * commonest message of all, accepted here at a fraction of the cost of {@link parseAnyLayout}, which it
 * agrees with (a test holds it to that).
 */
export function parseCompactCall(bytes: Buffer, n: number): SimpleCall | undefined {
  const methodStart = COMPACT_HEAD.length;
  if (n < methodStart + COMPACT_ID.length + 2) return undefined;
  if (!equalsAscii(bytes, 0, methodStart, COMPACT_HEAD)) return undefined;
  const methodEnd = stringEnd(bytes, methodStart - 1, n);
  if (methodEnd < 0) return undefined;
  const idStart = methodEnd + COMPACT_ID.length;
  if (!equalsAscii(bytes, methodEnd, idStart, COMPACT_ID)) return undefined;
  const idEnd = integerEnd(bytes, idStart, n);
  if (idEnd !== n - 1 || bytes[idEnd] !== CLOSE_BRACE) return undefined;
  const id = integerValue(bytes, idStart, idEnd);
  return { methodStart, methodEnd, id, idJson: String(id) };
}

/** Any member order, any whitespace: the full recogniser described at {@link parseSimpleCall}. */
export function parseAnyLayout(bytes: Buffer, n: number): SimpleCall | undefined {
  let i = skipWhitespace(bytes, 0, n);
  if (bytes[i] !== OPEN_BRACE) return undefined;
  let seen = 0;
  let methodStart = 0;
  let methodEnd = 0;
  let id: string | number | undefined;
  let idJson: string | undefined;
  for (;;) {
    i = skipWhitespace(bytes, i + 1, n);
    const keyEnd = stringEnd(bytes, i, n);
    if (keyEnd < 0) return undefined;
    const key = keyOf(bytes, i + 1, keyEnd);
    if (key === 0 || (seen & key) !== 0) return undefined;
    seen |= key;
    i = skipWhitespace(bytes, keyEnd + 1, n);
    if (bytes[i] !== COLON) return undefined;
    i = skipWhitespace(bytes, i + 1, n);
    if (key === KEY_ID && bytes[i] !== QUOTE) {
      const numberEnd = integerEnd(bytes, i, n);
      if (numberEnd < 0) return undefined;
      id = integerValue(bytes, i, numberEnd);
      // The digits as written: no leading zeros, no -0, and exact below 2^53.
      idJson = String(id);
      i = numberEnd;
    } else {
      const valueEnd = stringEnd(bytes, i, n);
      if (valueEnd < 0) return undefined;
      if (key === KEY_JSONRPC) {
        if (!isVersion(bytes, i + 1, valueEnd)) return undefined;
      } else if (key === KEY_METHOD) {
        methodStart = i + 1;
        methodEnd = valueEnd;
      } else {
        idJson = bytes.toString('latin1', i, valueEnd + 1);
        id = idJson.slice(1, -1);
      }
      i = valueEnd + 1;
    }
    i = skipWhitespace(bytes, i, n);
    const c = bytes[i];
    if (c === CLOSE_BRACE) break;
    if (c !== COMMA) return undefined;
  }
  if (skipWhitespace(bytes, i + 1, n) !== n) return undefined;
  if (seen !== (KEY_JSONRPC | KEY_METHOD | KEY_ID)) return undefined;
  if (id === undefined || idJson === undefined) return undefined;
  return { methodStart, methodEnd, id, idJson };
}

/** Longest string {@link quotePlain} quotes itself; longer ones go to JSON.stringify, faster on bulk. */
const MAX_PLAIN_QUOTE = 64;

/**
 * `JSON.stringify(text)` for a short string of printable ASCII without quotes or backslashes (which
 * JSON writes as is, between quotes), without the call into the serialiser; undefined for any other.
 */
export function quotePlain(text: string): string | undefined {
  if (text.length > MAX_PLAIN_QUOTE) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return undefined;
  }
  return `"${text}"`;
}

function skipWhitespace(bytes: Buffer, from: number, n: number): number {
  let i = from;
  while (i < n && isJsonWhitespace(bytes[i] as number)) i++;
  return i;
}

/** Index of the closing quote of a string opening at `from`, or -1 when it is not a plain ASCII string. */
function stringEnd(bytes: Buffer, from: number, n: number): number {
  if (bytes[from] !== QUOTE) return -1;
  for (let i = from + 1; i < n; i++) {
    const c = bytes[i] as number;
    if (c === QUOTE) return i;
    // Control characters are invalid JSON; escapes and non-ASCII would need decoding.
    if (c < 0x20 || c === BACKSLASH || c > 0x7e) return -1;
  }
  return -1;
}

/** End of `-?(0|[1-9][0-9]*)` starting at `from` (at most 15 digits, not -0), or -1. */
function integerEnd(bytes: Buffer, from: number, n: number): number {
  let i = from;
  if (bytes[i] === MINUS) i++;
  const first = i;
  while (i < n && (bytes[i] as number) >= ZERO && (bytes[i] as number) <= NINE) i++;
  const digits = i - first;
  if (digits === 0 || digits > MAX_ID_DIGITS) return -1;
  if (bytes[first] === ZERO && (digits > 1 || first > from)) return -1;
  // A fraction or exponent follows: the number is not a plain integer.
  if (i < n && !isJsonWhitespace(bytes[i] as number) && bytes[i] !== COMMA && bytes[i] !== CLOSE_BRACE)
    return -1;
  return i;
}

const ID = asciiCodes('id');
const METHOD = asciiCodes('method');
const JSONRPC = asciiCodes('jsonrpc');
const VERSION = asciiCodes('2.0');

function asciiCodes(text: string): number[] {
  return Array.from(text, (ch) => ch.charCodeAt(0));
}

/** The value of the integer literal `bytes[start..end)` that {@link integerEnd} accepted. */
function integerValue(bytes: Buffer, start: number, end: number): number {
  const negative = bytes[start] === MINUS;
  let value = 0;
  for (let i = negative ? start + 1 : start; i < end; i++) value = value * 10 + ((bytes[i] as number) - ZERO);
  return negative ? -value : value;
}

function keyOf(bytes: Buffer, start: number, end: number): number {
  if (equalsAscii(bytes, start, end, ID)) return KEY_ID;
  if (equalsAscii(bytes, start, end, METHOD)) return KEY_METHOD;
  if (equalsAscii(bytes, start, end, JSONRPC)) return KEY_JSONRPC;
  return 0;
}

function isVersion(bytes: Buffer, start: number, end: number): boolean {
  return equalsAscii(bytes, start, end, VERSION);
}

/** True when `bytes[start..end)` holds exactly `codes` (bytes past the end of `bytes` never match). */
export function equalsAscii(bytes: Buffer, start: number, end: number, codes: ArrayLike<number>): boolean {
  if (end - start !== codes.length) return false;
  for (let k = 0; k < codes.length; k++) if (bytes[start + k] !== codes[k]) return false;
  return true;
}
