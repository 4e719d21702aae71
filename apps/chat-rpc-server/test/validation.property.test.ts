import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codePointLength,
  usernameKey,
  validateMessage,
  validateUsername,
} from '../src/server/chat/validation.js';

const anyText = fc.string({ unit: 'binary', maxLength: 80 }); // any code units, lone surrogates included
const FORBIDDEN = /[\p{Cc}\p{Zl}\p{Zp}\p{Cs}\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/u;

function accepted(fn: () => string): string | undefined {
  try {
    return fn();
  } catch (err) {
    expect((err as { code?: string }).code).toMatch(/^INVALID_(USERNAME|MESSAGE)$/);
    return undefined;
  }
}

describe('validation properties', () => {
  it('an accepted username is trimmed, 1..50 code points, and free of forbidden characters', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        const name = accepted(() => validateUsername(raw));
        if (name === undefined) return;
        expect(name).toBe(name.trim());
        expect(codePointLength(name)).toBeGreaterThanOrEqual(1);
        expect(codePointLength(name)).toBeLessThanOrEqual(50);
        expect(FORBIDDEN.test(name)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('validation never throws anything but a coded error, and never truncates a message', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 1200 }), (raw) => {
        const message = accepted(() => validateMessage(raw));
        if (message !== undefined) expect(message).toBe(raw.trim());
      }),
      { numRuns: 300 },
    );
  });

  it('usernameKey is idempotent and ignores case', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (name) => {
        const key = usernameKey(name);
        expect(usernameKey(key)).toBe(key);
        expect(usernameKey(name.toUpperCase())).toBe(usernameKey(name.toLowerCase()));
      }),
      { numRuns: 1000 },
    );
  });
});
