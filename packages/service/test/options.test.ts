import { ServiceErrorCode } from '@sockworks/error-codes';
import { describe, expect, it } from 'vitest';
import { ConfigError, checkInt, checkNumber, stripUndefined, withDefaults } from '../src/index.js';

describe('option helpers', () => {
  it('stripUndefined drops undefined properties only', () => {
    expect(stripUndefined({ a: 1, b: undefined, c: null, d: 0, e: '' })).toEqual({
      a: 1,
      c: null,
      d: 0,
      e: '',
    });
  });

  it('withDefaults keeps a default where the option is undefined', () => {
    const defaults = { port: 1, host: 'h' };
    expect(withDefaults(defaults, { port: undefined, host: 'x' })).toEqual({ port: 1, host: 'x' });
    expect(defaults).toEqual({ port: 1, host: 'h' });
  });

  it('checkInt accepts integers in range and names the option otherwise', () => {
    expect(checkInt('n', 5)).toBe(5);
    expect(checkInt('n', 0, { min: 0 })).toBe(0);
    expect(() => checkInt('maxConnections', 0)).toThrow('maxConnections must be an integer >= 1, got 0');
    expect(() => checkInt('port', 70000, { min: 0, max: 65535 })).toThrow(
      'port must be an integer 0-65535, got 70000',
    );
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])
      expect(() => checkInt('n', bad)).toThrow(ConfigError);
    try {
      checkInt('n', -1);
    } catch (err) {
      expect(ConfigError.isConfigError(err) && err.code).toBe(ServiceErrorCode.INVALID_CONFIG);
    }
  });

  it('checkNumber accepts finite numbers in range', () => {
    expect(checkNumber('rate', 0.5, { min: 0.001 })).toBe(0.5);
    expect(checkNumber('t', 0)).toBe(0);
    expect(() => checkNumber('t', -1)).toThrow('t must be a number >= 0, got -1');
    expect(() => checkNumber('t', Number.NaN)).toThrow(ConfigError);
    expect(() => checkNumber('t', Number.POSITIVE_INFINITY)).toThrow(ConfigError);
  });
});
