/**
 * True when the JSON text nests arrays/objects deeper than `max` (top-level container = depth 1).
 * A linear scan of the text, run before JSON.parse so hostile input is never materialised; brackets
 * inside strings are skipped. Text shorter than `max + 1` characters cannot be too deep, so short
 * messages skip the scan entirely.
 */
export function textExceedsDepth(text: string, max: number): boolean {
  if (text.length <= max) return false;
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
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
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
