// The text scan (before JSON.parse) is framing's `exceedsJsonDepth`, shared with the decoders.

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
