/**
 * True when the JSON text nests arrays/objects deeper than `max` (top-level container = depth 1).
 * A linear scan of the text, run before JSON.parse so hostile input is never materialised; brackets
 * inside strings are skipped. Text shorter than `max + 1` characters cannot be too deep, so short
 * messages skip the scan entirely.
 */
export function textExceedsDepth(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Jump over the string with indexOf (most of a large message is string content): find the
      // closing quote, one not preceded by an odd number of backslashes.
      let close = text.indexOf('"', i + 1);
      while (close !== -1 && isEscaped(text, close)) close = text.indexOf('"', close + 1);
      // Unterminated string: not JSON at all, JSON.parse will say so.
      if (close === -1) return false;
      i = close;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** True when the character at `index` is preceded by an odd run of backslashes. */
function isEscaped(text: string, index: number): boolean {
  let k = index - 1;
  while (text.charCodeAt(k) === 0x5c) k--;
  return (index - 1 - k) % 2 === 1;
}

/**
 * True when an already-parsed value nests deeper than `max`. Iterative (no recursion, so no stack
 * overflow) and visits each object once, so shared or cyclic references cannot make it loop. Such
 * references never come out of JSON.parse; if a handler echoes one, serialising the reply fails and
 * that reply becomes "Internal error".
 */
export function valueExceedsDepth(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const seen = new Set<object>();
  const stack: Array<{ node: object; depth: number }> = [{ node: value, depth: 1 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item.depth > max) return true;
    if (seen.has(item.node)) continue;
    seen.add(item.node);
    const children = Array.isArray(item.node) ? item.node : Object.values(item.node);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push({ node: child, depth: item.depth + 1 });
    }
  }
  return false;
}
