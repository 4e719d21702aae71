/** Default maximum nesting depth of JSON values (RELIABILITY.md). */
export const DEFAULT_MAX_DEPTH = 64;

/** Counts `{` and `[` with the native indexOf, stopping once the count passes `limit`. */
function countOpeners(text: string, limit: number): number {
  let count = 0;
  for (let k = text.indexOf('{'); k !== -1 && count <= limit; k = text.indexOf('{', k + 1)) count++;
  for (let k = text.indexOf('['); k !== -1 && count <= limit; k = text.indexOf('[', k + 1)) count++;
  return count;
}

/**
 * True when JSON text nests objects/arrays deeper than `maxDepth` (a top-level `{}` or `[]` is depth 1),
 * found by a linear scan before JSON.parse so hostile nesting is never materialised. Brackets inside
 * strings do not count; text that is not JSON may give either answer (JSON.parse rejects it anyway).
 * Nesting deeper than the depth needs more opening brackets than that, so text that is shorter, or
 * has no more `{`/`[` in all (counted natively), is not scanned at all.
 */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  if (text.length <= maxDepth || countOpeners(text, maxDepth) <= maxDepth) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Jump over the string with the native indexOf (string contents are most of a large payload);
      // a quote preceded by an odd run of backslashes is escaped and does not close it.
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q === -1) return false; // unterminated string: JSON.parse reports it
        let b = q - 1;
        while (text.charCodeAt(b) === 0x5c) b--;
        i = q;
        if ((q - 1 - b) % 2 === 0) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}
