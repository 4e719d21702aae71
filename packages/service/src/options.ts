import { ConfigError } from './cli/config-error.js';

/** `value` without its undefined properties, so spreading it over defaults keeps the defaults. */
export function stripUndefined<T extends object>(value: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out as Partial<T>;
}

/** `defaults` overridden by every option that is set (an explicit `undefined` keeps the default). */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): D & O {
  return { ...defaults, ...stripUndefined(options) } as D & O;
}

/** Bounds for {@link checkInt} and {@link checkNumber}; both inclusive. */
export interface Range {
  /** @default 1 for checkInt, 0 for checkNumber */
  min?: number;
  max?: number;
}

/**
 * `value` when it is a safe integer within `range` (default: at least 1); otherwise a ConfigError
 * naming the option: `maxConnections must be an integer >= 1, got 0`.
 */
export function checkInt(name: string, value: number, range: Range = {}): number {
  const min = range.min ?? 1;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer ${describe(min, max)}, got ${String(value)}`);
  }
  return value;
}

/** `value` when it is a finite number within `range` (default: at least 0); otherwise a ConfigError. */
export function checkNumber(name: string, value: number, range: Range = {}): number {
  const min = range.min ?? 0;
  const max = range.max ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a number ${describe(min, max)}, got ${String(value)}`);
  }
  return value;
}

function describe(min: number, max: number): string {
  if (max === Number.MAX_SAFE_INTEGER || max === Number.POSITIVE_INFINITY) return `>= ${min}`;
  return `${min}-${max}`;
}
