// Controls that would move the cursor, clear the screen (ESC [2J), ring the bell or reorder text
// on the user's terminal if printed raw.
const CONTROL = /\p{Cc}/gu;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Makes untrusted text safe to print on a terminal: C0 controls and DEL become their visible
 * Unicode "control pictures" (ESC -> ␛, newline -> ␊), C1 controls and bidi overrides become
 * `<U+XXXX>`, lone surrogates become U+FFFD. Everything else (emoji, accents, ZWJ) is kept.
 */
export function neutralize(text: string): string {
  return text.replace(CONTROL, controlPicture).replace(BIDI, codePointTag).replace(LONE_SURROGATE, '\ufffd');
}

/** C0 and DEL have Unicode pictures (U+2400–2421); C1 controls do not. */
function controlPicture(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return codePointTag(c);
}

function codePointTag(c: string): string {
  return `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`;
}
