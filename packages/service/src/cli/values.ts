import { REDACTED } from '@sockworks/logging';
import { ConfigError } from './config-error.js';
import type { OptionSpec } from './option-spec.js';

const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
};

const DURATION_UNITS: Readonly<Record<string, number>> = { '': 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

/** Parses a raw string for `spec`; `source` names where it came from (`--port`, `CHAT_PORT`). */
export function parseOptionValue(spec: OptionSpec, raw: string, source: string): string | number | boolean {
  const fail = (expected: string): never => {
    // A secret's value never reaches a message (it would end up in logs and terminal scrollback).
    const shown = spec.secret === true ? REDACTED : JSON.stringify(raw);
    throw new ConfigError(`${source}: invalid value ${shown}: expected ${expected}`);
  };
  switch (spec.type) {
    case 'string':
      return raw;
    case 'path':
      if (raw.length === 0) fail('a non-empty path');
      if (raw.includes('\0')) fail('a path without NUL characters');
      return raw;
    case 'boolean': {
      const word = raw.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return fail('true or false (also 1/0, yes/no, on/off)');
    }
    case 'enum':
      if (!spec.choices.includes(raw)) fail(`one of ${spec.choices.join(', ')}`);
      return raw;
    case 'int':
    case 'port': {
      const { min, max } = intRange(spec);
      const expected =
        spec.type === 'port'
          ? `a port number ${min}-${max}`
          : `an integer ${rangeText(spec.min, spec.max)}`.trim();
      if (!/^[+-]?\d+$/.test(raw.trim())) return fail(expected);
      const value = Number(raw.trim());
      if (!Number.isSafeInteger(value) || value < min || value > max) return fail(expected);
      return value;
    }
    case 'bytes': {
      const expected = `a byte size (e.g. 1048576, 64KiB, 1MiB) ${rangeText(spec.min, spec.max, formatBytes)}`;
      const value = parseUnit(raw, BYTE_UNITS);
      if (value === undefined || !Number.isSafeInteger(value)) return fail(expected.trim());
      if (value < (spec.min ?? 0) || (spec.max !== undefined && value > spec.max))
        return fail(expected.trim());
      return value;
    }
    case 'duration': {
      const expected = `a duration (e.g. 500ms, 30s, 5m; a bare number is ms) ${rangeText(spec.min, spec.max, formatDuration)}`;
      const value = parseUnit(raw, DURATION_UNITS);
      if (value === undefined || !Number.isSafeInteger(value)) return fail(expected.trim());
      if (value < (spec.min ?? 0) || (spec.max !== undefined && value > spec.max))
        return fail(expected.trim());
      return value;
    }
  }
}

/** Turns a spec's default (numbers, or strings such as "1MiB" for bytes/duration) into its value. */
export function normalizeDefault(spec: OptionSpec, name: string): string | number | boolean | undefined {
  const value = spec.default;
  if (value === undefined) return spec.type === 'boolean' ? false : undefined;
  if (typeof value === 'string' && spec.type !== 'string' && spec.type !== 'path' && spec.type !== 'enum') {
    return parseOptionValue(spec, value, `default of ${spec.flag} (${name})`);
  }
  if (typeof value === 'number') return parseOptionValue(spec, String(value), `default of ${spec.flag}`);
  if (spec.type === 'enum') return parseOptionValue(spec, String(value), `default of ${spec.flag}`);
  return value;
}

/** How a value is shown in `--help`. */
export function formatOptionValue(spec: OptionSpec, value: string | number | boolean): string {
  if (spec.type === 'bytes' && typeof value === 'number') return formatBytes(value);
  if (spec.type === 'duration' && typeof value === 'number') return formatDuration(value);
  if (typeof value === 'string') return value === '' ? '""' : value;
  return String(value);
}

/** `1048576` -> `1MiB`, `1500` -> `1500B`. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

/** `30000` -> `30s`, `1500` -> `1500ms`. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function parseUnit(raw: string, units: Readonly<Record<string, number>>): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(raw.trim());
  if (!match) return undefined;
  const factor = units[(match[2] ?? '').toLowerCase()];
  if (factor === undefined) return undefined;
  const value = Number(match[1]) * factor;
  // 1.5KiB is a whole number of bytes; 0.3B is not.
  return Number.isInteger(value) ? value : Number.NaN;
}

function intRange(spec: OptionSpec & { type: 'int' | 'port' }): { min: number; max: number } {
  if (spec.type === 'port') return { min: spec.min ?? 0, max: spec.max ?? 65535 };
  return { min: spec.min ?? Number.MIN_SAFE_INTEGER, max: spec.max ?? Number.MAX_SAFE_INTEGER };
}

function rangeText(
  min: number | undefined,
  max: number | undefined,
  format: (n: number) => string = String,
): string {
  const hasMin = min !== undefined && min > Number.MIN_SAFE_INTEGER;
  const hasMax = max !== undefined && max < Number.MAX_SAFE_INTEGER;
  if (hasMin && hasMax) return `between ${format(min)} and ${format(max)}`;
  if (hasMax) return `of at most ${format(max)}`;
  if (hasMin) return `of at least ${format(min)}`;
  return '';
}
