import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth } from '../src/index.js';

/** Reference: the depth of a parsed value (1 for `{}` / `[]`, 0 for a scalar). */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depthOf(child)), 0);
}

describe('exceedsJsonDepth', () => {
  it.each([
    ['[[[]]]', 2, true],
    ['[[[]]]', 3, false],
    ['{"a":"x\\\\"}', 1, false],
    ['["\\"[[[["]', 1, false],
    ['["\\\\"[[]]', 2, true],
    [`{"s":"${'['.repeat(100)}"}`, 1, false],
    [`{"s":"${'\\"['.repeat(100)}"}`, 1, false],
    ['"unterminated [[[[[[', 1, false],
  ])('%j at max %i -> %s', (text, max, expected) => {
    expect(exceedsJsonDepth(text, max)).toBe(expected);
  });

  it('agrees with the depth of the parsed value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 1, max: 6 }), (value, max) => {
        const text = JSON.stringify(value);
        expect(exceedsJsonDepth(text, max)).toBe(depthOf(value) > max);
      }),
      { numRuns: 500 },
    );
  });
});
