import { describe, expect, it } from 'vitest';
import {
  codePointLength,
  usernameKey,
  validateMessage,
  validateUsername,
} from '../src/server/chat/validation.js';

const codeOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: unknown }).code;
  }
  return undefined;
};

describe('validateUsername', () => {
  it('trims and accepts ordinary names', () => {
    expect(validateUsername('  Alice ')).toBe('Alice');
    expect(validateUsername('Zoë O’Neil')).toBe('Zoë O’Neil');
  });

  it('accepts 50 code points and rejects 51 (never truncates)', () => {
    expect(validateUsername('a'.repeat(50))).toBe('a'.repeat(50));
    expect(codeOf(() => validateUsername('a'.repeat(51)))).toBe('INVALID_USERNAME');
  });

  it('counts an emoji as one code point', () => {
    const fifty = '😀'.repeat(50); // 100 UTF-16 units
    expect(validateUsername(fifty)).toBe(fifty);
    expect(codeOf(() => validateUsername('😀'.repeat(51)))).toBe('INVALID_USERNAME');
  });

  it('counts a combining mark as its own code point', () => {
    const name = 'e\u0301'.repeat(25); // 50 code points
    expect(codePointLength(name)).toBe(50);
    expect(validateUsername(name)).toBe(name);
    expect(codeOf(() => validateUsername(`${name}x`))).toBe('INVALID_USERNAME');
  });

  it.each([
    ['empty', ''],
    ['whitespace only', ' \t  '],
    ['newline', 'Al\nice'],
    ['carriage return', 'Al\rice'],
    ['NUL', 'Al\u0000ice'],
    ['ANSI escape', 'Alice\u001b[2J'],
    ['C1 control', 'Al\u009bice'],
    ['RLO bidi control', 'Al\u202Eice'],
    ['LRE bidi control', '\u202AAlice'],
    ['isolate', 'Al\u2066ice\u2069'],
    ['zero-width space', 'Al\u200Bice'],
    ['zero-width joiner', 'Al\u200Dice'],
    ['BOM', '\uFEFFAlice'],
    ['line separator', 'Al\u2028ice'],
    ['lone high surrogate', 'Al\uD800ice'],
    ['lone low surrogate', 'Alice\uDC00'],
    ['Hangul filler (blank)', '\u3164'],
    ['reserved SYSTEM', 'system'],
  ])('rejects %s', (_label, name) => {
    expect(codeOf(() => validateUsername(name))).toBe('INVALID_USERNAME');
  });

  it('treats prototype keys like any other name', () => {
    for (const n of ['__proto__', 'constructor', 'toString']) expect(validateUsername(n)).toBe(n);
  });
});

describe('usernameKey', () => {
  it('folds case and compatibility forms', () => {
    expect(usernameKey('ALICE')).toBe(usernameKey('alice'));
    expect(usernameKey('Ａｌｉｃｅ')).toBe(usernameKey('alice')); // fullwidth
    expect(usernameKey('straße')).toBe(usernameKey('STRASSE'));
    // Capital sharp s: upper-casing leaves it alone, so folding must lower-case first.
    expect(usernameKey('STRAẞE')).toBe(usernameKey('straße'));
    expect(usernameKey('ẞ')).toBe(usernameKey('ss'));
    expect(usernameKey(usernameKey('ẞ'))).toBe(usernameKey('ẞ'));
    expect(usernameKey('ﬁsh')).toBe(usernameKey('fish')); // ligature
    expect(usernameKey('Zoe\u0308')).toBe(usernameKey('Zoë')); // decomposed vs precomposed
    expect(usernameKey('❤\uFE0F')).toBe(usernameKey('❤'));
  });

  it('keeps different names apart', () => {
    expect(usernameKey('Alice')).not.toBe(usernameKey('Alicia'));
  });
});

describe('validateMessage', () => {
  it('accepts 1000 code points and rejects 1001', () => {
    expect(validateMessage('x'.repeat(1000))).toHaveLength(1000);
    expect(codeOf(() => validateMessage('x'.repeat(1001)))).toBe('INVALID_MESSAGE');
  });

  it('counts emoji and combining characters in code points', () => {
    expect(validateMessage('🎉'.repeat(1000))).toHaveLength(2000);
    expect(codeOf(() => validateMessage('🎉'.repeat(1001)))).toBe('INVALID_MESSAGE');
    expect(validateMessage('a\u0301'.repeat(500))).toHaveLength(1000);
    expect(codeOf(() => validateMessage(`${'a\u0301'.repeat(500)}b`))).toBe('INVALID_MESSAGE');
  });

  it('trims, and rejects empty or whitespace-only messages', () => {
    expect(validateMessage('  hi  ')).toBe('hi');
    expect(codeOf(() => validateMessage(''))).toBe('INVALID_MESSAGE');
    expect(codeOf(() => validateMessage(' \n '))).toBe('INVALID_MESSAGE');
  });

  it('measures length after trimming', () => {
    expect(validateMessage(` ${'x'.repeat(1000)} `)).toHaveLength(1000);
  });

  it('rejects lone surrogates', () => {
    expect(codeOf(() => validateMessage('hi \uD83D'))).toBe('INVALID_MESSAGE');
  });
});
