/** Default maximum nesting depth of JSON values (RELIABILITY.md). */
export const DEFAULT_MAX_DEPTH = 64;

/**
 * True when JSON text nests objects/arrays deeper than `maxDepth`. Brackets inside strings do not
 * count. Text shorter than the depth cannot reach it, so small messages are not scanned at all.
 */
export function exceedsDepth(text: string, maxDepth: number): boolean {
  if (text.length <= maxDepth) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}
