import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, defineCli, formatBytes, formatDuration } from '../src/cli/index.js';

const cli = defineCli({
  name: 'prop',
  description: 'Property tests.',
  options: {
    port: { type: 'port', flag: '--port', short: '-p', env: 'P_PORT', default: 1, description: 'p' },
    size: { type: 'bytes', flag: '--size', env: 'P_SIZE', default: '1MiB', description: 's' },
    wait: { type: 'duration', flag: '--wait', env: 'P_WAIT', default: '1s', description: 'w' },
    name: { type: 'string', flag: '--name', description: 'n' },
    on: { type: 'boolean', flag: '--on', short: '-o', env: 'P_ON', description: 'o' },
    mode: { type: 'enum', flag: '--mode', choices: ['a', 'b'], default: 'a', description: 'm' },
    count: { type: 'int', flag: '--count', min: -5, max: 5, default: 0, description: 'c' },
  },
});

describe('defineCli properties', () => {
  it('formatBytes output parses back to the same number of bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 45 }), (bytes) => {
        expect(cli.parse(['--size', formatBytes(bytes)], {}).values.size).toBe(bytes);
      }),
    );
  });

  it('formatDuration output parses back to the same number of milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (ms) => {
        expect(cli.parse(['--wait', formatDuration(ms)], {}).values.wait).toBe(ms);
      }),
    );
  });

  it('every port 0-65535 parses from flag and env; nothing outside does', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 200_000 }), (n) => {
        const valid = n >= 0 && n <= 65535;
        if (valid) {
          expect(cli.parse(['--port', String(n)], {}).values.port).toBe(n);
          expect(cli.parse([], { P_PORT: String(n) }).values.port).toBe(n);
        } else {
          expect(() => cli.parse([`--port=${n}`], {})).toThrow(ConfigError);
        }
      }),
    );
  });

  it('any argv and env either parse or throw a one-line ConfigError', () => {
    const token = fc.oneof(
      fc.constantFrom(
        '--port',
        '-p',
        '--size',
        '--wait',
        '--name',
        '--on',
        '--no-on',
        '-o',
        '--mode',
        '--count',
      ),
      fc.constantFrom('--', '-', '-h', '--port=', '--on=maybe', '--mode=c', '--count=9', '--bogus', '-z'),
      fc.string({ maxLength: 8 }),
      fc.integer({ min: -10, max: 70_000 }).map(String),
    );
    const env = fc.record(
      {
        P_PORT: fc.string({ maxLength: 6 }),
        P_SIZE: fc.string({ maxLength: 6 }),
        P_ON: fc.string({ maxLength: 5 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), env, (argv, vars) => {
        try {
          const result = cli.parseArgs(argv, vars);
          if (!result.help) {
            expect(result.values.port).toBeGreaterThanOrEqual(0);
            expect(['a', 'b']).toContain(result.values.mode);
            expect(Math.abs(result.values.count)).toBeLessThanOrEqual(5);
          }
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as Error).message).not.toContain('\n');
        }
      }),
    );
  });
});
