import { ChatErrorCode, ProtocolError } from '@sockworks/error-codes';
import unhomoglyph from 'unhomoglyph';
import { SYSTEM_USERNAME } from '../../protocol/constants.js';

/** Limits the chat layer enforces on user input, counted in Unicode code points. */
export interface TextLimits {
  /** Longest accepted username, in code points after trimming. @default 50 */
  maxUsernameLength: number;
  /** Longest accepted chat message, in code points after trimming. @default 1000 */
  maxMessageLength: number;
}

/** The spec's validation limits. */
export const DEFAULT_TEXT_LIMITS: Readonly<TextLimits> = { maxUsernameLength: 50, maxMessageLength: 1000 };

// Characters a name may not contain: C0/C1 controls (newlines, ESC of ANSI sequences), line and
// paragraph separators, lone surrogates, and default-ignorable code points (bidi controls
// U+202A–202E and U+2066–2069, zero-width characters U+200B–200F, U+2060, U+FEFF, soft hyphen,
// Hangul fillers, tag characters). Variation selectors are default-ignorable too but are what
// turns ❤ into ❤️, so they are allowed and ignored when comparing names.
const FORBIDDEN_IN_NAME =
  /[\p{Cc}\p{Zl}\p{Zp}\p{Cs}]|(?![\uFE00-\uFE0F\u{E0100}-\u{E01EF}])\p{Default_Ignorable_Code_Point}/u;
const LONE_SURROGATE = /\p{Cs}/u;
const VARIATION_SELECTORS = /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;

// Combining marks (Mn, Mc, Me): real names need a few on one letter (Vietnamese "ễ" is e + two),
// a pile of them ("zalgo" text) is a way to draw over other lines.
const MARK = /\p{M}/u;
/** Most combining marks accepted on one base character. */
export const MAX_MARKS_PER_CHARACTER = 4;

/** Number of Unicode code points in `text` (an emoji is one, "e" + U+0301 is two). */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * The key two names are compared by: NFKC, then full case folding (approximated as lower-, upper-,
 * then lower-casing: the first step turns capital sharp s U+1E9E into ß, which upper-casing then
 * folds to SS like ß itself; final sigma folds too), then NFKC again; variation selectors dropped.
 */
export function usernameKey(name: string): string {
  const nfkc = name.replace(VARIATION_SELECTORS, '').normalize('NFKC');
  return nfkc.toLowerCase().toUpperCase().toLowerCase().normalize('NFKC');
}

/** UTS #39 skeleton: NFD, each character mapped to its prototype (Unicode's confusables.txt), NFD. */
function skeleton(text: string): string {
  return unhomoglyph(text.normalize('NFD')).normalize('NFD');
}

/**
 * The keys that make two names the same name: one shared key of the same kind is enough.
 * - `k:` the `usernameKey` (NFKC, case folded): "Alice" and "ALICE";
 * - `s:` its confusable skeleton: lower-case look-alikes, Cyrillic "аlice" and Latin "alice";
 * - `S:` the skeleton of the name as written (NFKC, case kept, as UTS #39 defines it): capital
 *   look-alikes whose lower cases differ, Cyrillic "SYSTEМ" and Latin "SYSTEM".
 * The kinds are kept apart because mixing them would join names that do not look alike ("ALICE"
 * has the skeleton "ALlCE", which lower-cased would meet "allce"). The prototype table is
 * `unhomoglyph`'s, generated from confusables.txt (a maintained MIT package; no table of our own).
 */
export function nameKeys(name: string): readonly string[] {
  const key = usernameKey(name);
  return [
    userKeyOf(key),
    `s:${skeleton(key)}`,
    `S:${skeleton(name.replace(VARIATION_SELECTORS, '').normalize('NFKC'))}`,
  ];
}

/** The first of a name's `nameKeys`: the key users are listed and addressed by. */
export function userKey(name: string): string {
  return userKeyOf(usernameKey(name));
}

function userKeyOf(usernameKey: string): string {
  return `k:${usernameKey}`;
}

const SYSTEM_KEYS = nameKeys(SYSTEM_USERNAME);

let graphemes: Intl.Segmenter | undefined;

/**
 * The longest start of `text` with at most `max` code points that ends on a grapheme boundary, so a
 * surrogate pair or a letter and its combining marks are never split.
 */
export function truncateCodePoints(text: string, max: number): string {
  if (codePointLength(text) <= max) return text;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = codePointLength(segment);
    if (used + size > max) break;
    out += segment;
    used += size;
  }
  return out;
}

/** Checks a requested username and returns it trimmed; throws INVALID_USERNAME explaining why. */
export function validateUsername(raw: string, limits: TextLimits = DEFAULT_TEXT_LIMITS): string {
  const name = validateName(raw, limits.maxUsernameLength, USERNAME);
  if (nameKeys(name).some((k) => SYSTEM_KEYS.includes(k))) throw invalidUsername('Username is reserved');
  return name;
}

/** Longest room name, in code points (issue 16: "validated like usernames", 1-50). */
export const MAX_ROOM_NAME_LENGTH = 50;
/** The room every joined user is in. */
export const GENERAL_ROOM = 'general';

/** Checks a room name and returns it trimmed; throws INVALID_ROOM explaining why. */
export function validateRoomName(raw: string): string {
  return validateName(raw, MAX_ROOM_NAME_LENGTH, ROOM);
}

/** The key rooms are compared by: NFKC and case folding, as for names (`Dev` = `dev` = `ＤＥＶ`). */
export function roomKey(name: string): string {
  return usernameKey(name);
}

/** How a kind of name reports a problem. */
interface NameKind {
  /** Starts the messages: "Username", "Room name". */
  readonly label: string;
  readonly error: (message: string) => ProtocolError;
}

const USERNAME: NameKind = { label: 'Username', error: invalidUsername };
const ROOM: NameKind = {
  label: 'Room name',
  error: (message) => new ProtocolError(ChatErrorCode.INVALID_ROOM, message),
};

/** The rules usernames and room names share; returns the name trimmed. */
function validateName(raw: string, maxLength: number, kind: NameKind): string {
  // Checked before trimming: trim() would silently drop a BOM or a trailing newline.
  const bad = FORBIDDEN_IN_NAME.exec(raw);
  if (bad) {
    const cp = bad[0].codePointAt(0) ?? 0;
    throw kind.error(
      `${kind.label} contains a forbidden character (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`,
    );
  }
  const name = raw.trim();
  if (name.length === 0) throw kind.error(`${kind.label} cannot be empty`);
  const length = codePointLength(name);
  if (length > maxLength) {
    throw kind.error(`${kind.label} too long (${length} characters, maximum ${maxLength})`);
  }
  checkCombiningMarks(name, kind);
  if (usernameKey(name).trim().length === 0) throw kind.error(`${kind.label} cannot be empty`);
  return name;
}

/** A name starts with a base character and has at most MAX_MARKS_PER_CHARACTER marks on each. */
function checkCombiningMarks(name: string, kind: NameKind): void {
  let marks = 0;
  let first = true;
  for (const ch of name) {
    if (!MARK.test(ch)) {
      marks = 0;
    } else if (first) {
      throw kind.error(`${kind.label} cannot start with a combining mark`);
    } else if (++marks > MAX_MARKS_PER_CHARACTER) {
      throw kind.error(
        `${kind.label} has more than ${MAX_MARKS_PER_CHARACTER} combining marks on one character`,
      );
    }
    first = false;
  }
}

/** Longest status text of `set_status`, in code points. */
export const MAX_STATUS_TEXT_LENGTH = 100;

/** Checks a status text and returns it trimmed (may be empty); throws INVALID_STATUS explaining why. */
export function validateStatusText(raw: string): string {
  const text = raw.trim();
  const length = codePointLength(text);
  if (length > MAX_STATUS_TEXT_LENGTH)
    throw new ProtocolError(
      ChatErrorCode.INVALID_STATUS,
      `Status text too long (${length} characters, maximum ${MAX_STATUS_TEXT_LENGTH})`,
    );
  if (LONE_SURROGATE.test(text))
    throw new ProtocolError(ChatErrorCode.INVALID_STATUS, 'Status text contains a lone surrogate');
  return text;
}

/** Checks a chat message and returns it trimmed; throws INVALID_MESSAGE explaining why. */
export function validateMessage(raw: string, limits: TextLimits = DEFAULT_TEXT_LIMITS): string {
  const message = raw.trim();
  if (message.length === 0) throw invalidMessage('Message cannot be empty');
  const length = codePointLength(message);
  if (length > limits.maxMessageLength) {
    throw invalidMessage(`Message too long (${length} characters, maximum ${limits.maxMessageLength})`);
  }
  // A lone surrogate is not text; clients would have to invent a replacement character for it.
  if (LONE_SURROGATE.test(message)) throw invalidMessage('Message contains a lone surrogate');
  return message;
}

function invalidUsername(message: string): ProtocolError<typeof ChatErrorCode.INVALID_USERNAME> {
  return new ProtocolError(ChatErrorCode.INVALID_USERNAME, message);
}

function invalidMessage(message: string): ProtocolError<typeof ChatErrorCode.INVALID_MESSAGE> {
  return new ProtocolError(ChatErrorCode.INVALID_MESSAGE, message);
}
