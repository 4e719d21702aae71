/**
 * JSON numbers that a double cannot hold. JSON.parse turns `1e400` into Infinity (and `-1e400` into
 * -Infinity) without a word, and JSON.stringify writes Infinity as `null`, so a server that parsed
 * such a number would store or echo `null` in place of what the client sent. RFC 8259 section 6 lets
 * an implementation limit the range of numbers; these are rejected at the parse step instead.
 *
 * The check walks the parsed value, not the text: its cost follows the number of members and items
 * (a 60 KB string costs one typeof), where a text scan would pay for every byte, and a reviver would
 * make JSON.parse itself several times slower. A regex pre-scan (`/[0-9][eE]|[0-9]{309}/`, to walk
 * only text that could overflow) cost as much as the walk on 100-byte messages and 60x more on a 60 KB
 * echo, so there is none. Measured on a heavily loaded host (noisy): parse plus walk took 1.0-1.3x the
 * time of JSON.parse alone on 40-100-byte messages.
 */

/**
 * The first non-finite number in a parsed JSON value (object members and array items, at any
 * depth), or undefined. Iterative, so deep input cannot overflow the stack. JSON.parse output has no
 * shared or cyclic references; for values built otherwise pass `guardCycles` (each object is then
 * visited once, at the price of a Set).
 */
export function findNonFiniteNumber(value: unknown, guardCycles = false): number | undefined {
  if (typeof value === 'number') return value - value === 0 ? undefined : value;
  if (typeof value !== 'object' || value === null) return undefined;
  const seen = guardCycles ? new Set<object>() : undefined;
  // Allocated only when a nested object or array is met: most messages are flat.
  let stack: object[] | undefined;
  let top: object | undefined = value;
  while (top !== undefined) {
    if (seen !== undefined) {
      if (seen.has(top)) {
        top = stack?.pop();
        continue;
      }
      seen.add(top);
    }
    if (Array.isArray(top)) {
      for (let i = 0; i < top.length; i++) {
        const item: unknown = top[i];
        // x - x is 0 for every finite number and NaN for ±Infinity (and NaN).
        if (typeof item === 'number') {
          if (item - item !== 0) return item;
        } else if (typeof item === 'object' && item !== null) {
          if (stack === undefined) stack = [item];
          else stack.push(item);
        }
      }
    } else {
      const members = top as Record<string, unknown>;
      // for-in over JSON.parse output: own enumerable keys only (its objects have Object.prototype,
      // which has no enumerable keys), and no array is allocated as Object.values would.
      for (const key in members) {
        const item = members[key];
        if (typeof item === 'number') {
          if (item - item !== 0) return item;
        } else if (typeof item === 'object' && item !== null) {
          if (stack === undefined) stack = [item];
          else stack.push(item);
        }
      }
    }
    top = stack?.pop();
  }
  return undefined;
}

/**
 * True when a parsed JSON value holds a number outside the range of a double (from `1e400` or
 * `-1e400`); `guardCycles` as for {@link findNonFiniteNumber}.
 */
export function hasNonFiniteNumber(value: unknown, guardCycles = false): boolean {
  return findNonFiniteNumber(value, guardCycles) !== undefined;
}
