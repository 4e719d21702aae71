import { KvErrorCode, ProtocolError } from '@sockworks/error-codes';

/** The parameter's value; INVALID_INPUT when it is absent. */
export function requireParam(data: Record<string, unknown>, name: string): unknown {
  if (!Object.hasOwn(data, name)) {
    throw new ProtocolError(KvErrorCode.INVALID_INPUT, `Missing '${name}' parameter`);
  }
  return data[name];
}

/** The parameter as a string; INVALID_INPUT when absent or not a string. */
export function requireString(data: Record<string, unknown>, name: string): string {
  const value = requireParam(data, name);
  if (typeof value !== 'string') {
    throw new ProtocolError(KvErrorCode.INVALID_INPUT, `'${name}' must be a string`);
  }
  return value;
}

/** The parameter as a finite number; strings such as "10" are INVALID_INPUT, never coerced. */
export function requireNumber(data: Record<string, unknown>, name: string): number {
  const value = requireParam(data, name);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ProtocolError(KvErrorCode.INVALID_INPUT, `'${name}' must be a finite number`);
  }
  return value;
}
