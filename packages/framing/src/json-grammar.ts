/**
 * The JSON grammar (RFC 8259) outside strings as a byte-level state machine, so the concatenated-JSON
 * scanner notices a syntax error at the first byte that cannot continue a valid value instead of
 * waiting for brackets that may never balance. One table lookup per structural byte: the entry is
 * either the next state (< FIRST_ACTION) or an action that needs the nesting stack.
 */

/** Grammar states between string contents. */
export const G = {
  /** A value must come (after `:` or after `,` in an array). */
  Value: 0,
  /** Right after `[`: a value or `]`. */
  ArrayFirst: 1,
  /** Right after `{`: a key or `}`. */
  KeyFirst: 2,
  /** After `,` in an object: a key. */
  Key: 3,
  /** After a key: `:`. */
  Colon: 4,
  /** After a value inside an object or array: `,` or the closing bracket. */
  After: 5,
  /** Number states: after `-`, after a leading `0`, integer digits, after `.`, fraction digits, after `e`, after its sign, exponent digits. */
  Minus: 6,
  Zero: 7,
  Int: 8,
  Frac0: 9,
  Frac: 10,
  Exp0: 11,
  ExpSign: 12,
  Exp: 13,
  /** Literal states: the letters still expected of `true`, `false`, `null`. */
  T1: 14,
  T2: 15,
  T3: 16,
  F1: 17,
  F2: 18,
  F3: 19,
  F4: 20,
  N1: 21,
  N2: 22,
  N3: 23,
} as const;
const STATES = 24;

/** Table entries from here on are actions, not states. */
export const FIRST_ACTION = 32;
/** A string starts that is an object key (the grammar goes on in Colon). */
export const A_STRING_KEY = 32;
/** A string starts that is a value (the grammar goes on in After). */
export const A_STRING_VALUE = 33;
export const A_OPEN_OBJECT = 34;
export const A_OPEN_ARRAY = 35;
export const A_CLOSE_OBJECT = 36;
export const A_CLOSE_ARRAY = 37;
/** `,` after a value: a key follows in an object, a value in an array. */
export const A_COMMA = 38;
/** The byte cannot continue a valid value. */
export const A_ERROR = 39;

const code = (c: string): number => c.charCodeAt(0);
const WHITESPACE = [0x20, 0x09, 0x0a, 0x0d];
const DIGITS = Array.from('0123456789', code);

/** TRANSITIONS[(state << 8) | byte]: the next state or an action. */
export const TRANSITIONS: Uint8Array = buildTransitions();

function buildTransitions(): Uint8Array {
  const t = new Uint8Array(STATES * 256).fill(A_ERROR);
  const set = (state: number, bytes: readonly number[], next: number): void => {
    for (const b of bytes) t[(state << 8) | b] = next;
  };
  for (const state of [G.Value, G.ArrayFirst, G.KeyFirst, G.Key, G.Colon, G.After])
    set(state, WHITESPACE, state);
  for (const state of [G.Value, G.ArrayFirst]) {
    set(state, [code('"')], A_STRING_VALUE);
    set(state, [code('{')], A_OPEN_OBJECT);
    set(state, [code('[')], A_OPEN_ARRAY);
    set(state, [code('-')], G.Minus);
    set(state, [code('0')], G.Zero);
    set(state, DIGITS.slice(1), G.Int);
    set(state, [code('t')], G.T1);
    set(state, [code('f')], G.F1);
    set(state, [code('n')], G.N1);
  }
  set(G.ArrayFirst, [code(']')], A_CLOSE_ARRAY);
  set(G.KeyFirst, [code('"')], A_STRING_KEY);
  set(G.KeyFirst, [code('}')], A_CLOSE_OBJECT);
  set(G.Key, [code('"')], A_STRING_KEY);
  set(G.Colon, [code(':')], G.Value);
  // A number ends at the first byte that cannot continue it, which must then be valid after a
  // value: the states where a number may end share After's row.
  for (const state of [G.After, G.Zero, G.Int, G.Frac, G.Exp]) {
    set(state, WHITESPACE, G.After);
    set(state, [code(',')], A_COMMA);
    set(state, [code('}')], A_CLOSE_OBJECT);
    set(state, [code(']')], A_CLOSE_ARRAY);
  }
  set(G.Minus, [code('0')], G.Zero);
  set(G.Minus, DIGITS.slice(1), G.Int);
  set(G.Int, DIGITS, G.Int);
  for (const state of [G.Zero, G.Int]) set(state, [code('.')], G.Frac0);
  for (const state of [G.Zero, G.Int, G.Frac]) set(state, [code('e'), code('E')], G.Exp0);
  for (const state of [G.Frac0, G.Frac]) set(state, DIGITS, G.Frac);
  set(G.Exp0, [code('+'), code('-')], G.ExpSign);
  for (const state of [G.Exp0, G.ExpSign, G.Exp]) set(state, DIGITS, G.Exp);
  const literal = (states: readonly number[], rest: string): void => {
    for (let k = 0; k < states.length; k++) set(states[k]!, [code(rest[k]!)], states[k + 1] ?? G.After);
  };
  literal([G.T1, G.T2, G.T3], 'rue');
  literal([G.F1, G.F2, G.F3, G.F4], 'alse');
  literal([G.N1, G.N2, G.N3], 'ull');
  return t;
}

/** Inside a string, after a backslash: the escape letter is expected. */
export const ESCAPE_LETTER = 5;

/** ESCAPES[byte]: 1 for a one-letter escape (`\" \\ \/ \b \f \n \r \t`), 2 for `u`, 0 otherwise. */
export const ESCAPES: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (const c of '"\\/bfnrt') table[code(c)] = 1;
  table[code('u')] = 2;
  return table;
})();

/** HEX[byte]: 1 for a hexadecimal digit of a `\uXXXX` escape. */
export const HEX: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (const c of '0123456789abcdefABCDEF') table[code(c)] = 1;
  return table;
})();
