/**
 * Byte-level recognition of the commonest large request, an echo of a string: a flat JSON object
 * whose every member value is a string without escapes, with `"type":"echo"` and one `content`.
 * For such a payload the reply's `content` is exactly the request's string token (quotes included),
 * so the connection copies those bytes into the reply instead of decoding the payload to a JS string,
 * parsing it and encoding the content back. Anything else returns -1 and takes the general path,
 * which also produces every error reply: this scanner only accepts, never rejects.
 */
import { isUtf8 } from 'node:buffer';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const TYPE = Buffer.from('type');
const CONTENT = Buffer.from('content');
const ECHO = Buffer.from('echo');
/** Below this length a byte loop beats 32 native searches for control bytes. */
const SHORT_RUN = 256;

/** Where the `content` string token of a plain echo lies in its payload: `[start, end)`. */
export interface PlainEchoContent {
  start: number;
  end: number;
}

/**
 * Returns the byte range of the `content` string token (with its quotes) when `payload` is a plain
 * echo as described above, else null. For a non-null result, `JSON.parse` of the payload succeeds and
 * the UTF-8 of `JSON.stringify(parsed.content)` equals those bytes (property-tested): without a
 * backslash, a control byte or invalid UTF-8 the token holds no character JSON.stringify escapes.
 */
export function scanPlainEcho(payload: Buffer): PlainEchoContent | null {
  // A backslash anywhere means an escape somewhere; leave those payloads to JSON.parse.
  if (payload.indexOf(BACKSLASH) !== -1) return null;
  const n = payload.length;
  let i = skipWhitespace(payload, 0);
  if (payload[i] !== OPEN) return null;
  let typeIsEcho = false;
  let typeSeen = false;
  let content: PlainEchoContent | null = null;
  for (;;) {
    i = skipWhitespace(payload, i + 1);
    // Key: a string token.
    if (payload[i] !== QUOTE) return null;
    const keyEnd = payload.indexOf(QUOTE, i + 1);
    if (keyEnd === -1 || hasControlByte(payload, i + 1, keyEnd)) return null;
    const keyStart = i + 1;
    i = skipWhitespace(payload, keyEnd + 1);
    if (payload[i] !== COLON) return null;
    // Value: a string token too (numbers, literals and nesting take the general path).
    i = skipWhitespace(payload, i + 1);
    if (payload[i] !== QUOTE) return null;
    const valueStart = i;
    const valueEnd = payload.indexOf(QUOTE, i + 1);
    if (valueEnd === -1 || hasControlByte(payload, valueStart + 1, valueEnd)) return null;
    // JSON.parse keeps the last of duplicate keys; rather than model that, give duplicates up.
    if (equalBytes(payload, keyStart, keyEnd, TYPE)) {
      if (typeSeen) return null;
      typeSeen = true;
      typeIsEcho = equalBytes(payload, valueStart + 1, valueEnd, ECHO);
    } else if (equalBytes(payload, keyStart, keyEnd, CONTENT)) {
      if (content !== null) return null;
      content = { start: valueStart, end: valueEnd + 1 };
    }
    i = skipWhitespace(payload, valueEnd + 1);
    if (payload[i] === COMMA) continue;
    if (payload[i] !== CLOSE) return null;
    break;
  }
  if (skipWhitespace(payload, i + 1) !== n || !typeIsEcho || content === null) return null;
  return isUtf8(payload) ? content : null;
}

/** The index of the first byte at or after `i` that is not JSON whitespace. */
function skipWhitespace(b: Buffer, i: number): number {
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** True when `b[start, end)` holds a byte below 0x20 (raw control characters are invalid JSON). */
function hasControlByte(b: Buffer, start: number, end: number): boolean {
  if (end - start < SHORT_RUN) {
    for (let i = start; i < end; i++) if (b[i]! < 0x20) return true;
    return false;
  }
  // Native memchr per control byte is several times faster than a JS loop over a long run.
  const run = b.subarray(start, end);
  for (let c = 0; c < 0x20; c++) if (run.indexOf(c) !== -1) return true;
  return false;
}

function equalBytes(b: Buffer, start: number, end: number, expected: Buffer): boolean {
  if (end - start !== expected.length) return false;
  for (let k = 0; k < expected.length; k++) if (b[start + k] !== expected[k]) return false;
  return true;
}
