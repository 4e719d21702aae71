import { invalidParams, paramsObject } from '../errors.js';

/**
 * How many of `items`, taken from the start (or the end), fit in `maxBytes` of JSON: the lists in
 * replies stop there, so no reply nears the output cap, whatever the lists and texts hold.
 */
export function countWithin(items: readonly unknown[], maxBytes: number, fromEnd = false): number {
  let bytes = 0;
  let count = 0;
  while (count < items.length) {
    const item = items[fromEnd ? items.length - 1 - count : count];
    const size = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (bytes + size > maxBytes) break;
    bytes += size;
    count++;
  }
  return count;
}

/** Reads the optional `offset` of a paged list (a non-negative integer, default 0). */
export function offsetParam(params: unknown): number | undefined {
  const offset = paramsObject(params).offset;
  if (offset === undefined) return undefined;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0)
    throw invalidParams('offset must be an integer >= 0');
  return offset;
}

/** One page of `items` from `offset`, cut to `maxBytes`: the items and whether more follow. */
export function pageWithin<T>(
  items: readonly T[],
  offset: number,
  maxBytes: number,
): { page: T[]; hasMore: boolean } {
  const rest = items.slice(offset);
  const page = rest.slice(0, countWithin(rest, maxBytes));
  return { page, hasMore: page.length < rest.length };
}
