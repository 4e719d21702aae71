/** Option checks shared by the generators: a bad option is an INVALID_CONFIG error naming it. */
import { ProtocolError, ServiceErrorCode } from '@sockworks/error-codes';

/** Throws INVALID_CONFIG unless `value` is an integer in [min, max] (`Infinity` allowed when max is). */
export function checkInteger(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  const ok =
    (Number.isSafeInteger(value) || value === Number.POSITIVE_INFINITY) && value >= min && value <= max;
  if (!ok) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
    throw new ProtocolError(
      ServiceErrorCode.INVALID_CONFIG,
      `${name} must be an integer ${range}, got ${value}`,
    );
  }
}

type Widen<T> = T extends number ? number : T extends string ? string : T extends boolean ? boolean : T;

/** The options merged once over the defaults; an option given as undefined keeps its default. */
export function withDefaults<D extends object, T extends object>(
  defaults: D,
  options: T,
): Omit<T, keyof D> & { [K in keyof D]: Widen<D[K]> } {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...defaults, ...given } as Omit<T, keyof D> & { [K in keyof D]: Widen<D[K]> };
}

/** A promise that resolves after `ms`, and its timer (cleared by the caller when it loses a race). */
export function delay(ms: number): { done: Promise<void>; timer: NodeJS.Timeout } {
  let timer!: NodeJS.Timeout;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { done, timer };
}

/** `n` with thousands separators, for messages. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
