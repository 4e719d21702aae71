import { ServiceErrorCode } from '@sockworks/error-codes';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ConfigError,
  defineCli,
  formatBytes,
  formatDuration,
  HelpShown,
  logFileOption,
  logLevelOption,
} from '../src/cli/index.js';

const cli = defineCli({
  name: 'demo-server',
  description: 'A demo server.',
  usage: '[options] [command]',
  examples: ['demo-server --port 8080', 'DEMO_PORT=0 demo-server'],
  options: {
    host: {
      type: 'string',
      flag: '--host',
      env: 'DEMO_HOST',
      default: '127.0.0.1',
      description: 'Address to bind',
    },
    port: {
      type: 'port',
      flag: '--port',
      short: '-p',
      env: 'DEMO_PORT',
      default: 9999,
      description: 'TCP port',
    },
    socket: { type: 'path', flag: '--socket', env: 'DEMO_SOCKET', description: 'Unix socket path' },
    workers: { type: 'int', flag: '--workers', default: 2, min: 1, max: 8, description: 'Worker count' },
    maxLine: {
      type: 'bytes',
      flag: '--max-line',
      env: 'DEMO_MAX_LINE',
      default: '1MiB',
      description: 'Max line',
    },
    idle: {
      type: 'duration',
      flag: '--idle-timeout',
      env: 'DEMO_IDLE',
      default: 30_000,
      description: 'Idle',
    },
    verbose: { type: 'boolean', flag: '--verbose', short: '-v', env: 'DEMO_VERBOSE', description: 'Chatty' },
    color: { type: 'boolean', flag: '--color', default: true, description: 'Colors' },
    mode: {
      type: 'enum',
      flag: '--duplicate-names',
      env: 'DEMO_DUPES',
      choices: ['suffix', 'reject'],
      default: 'suffix',
      description: 'Duplicate names',
    },
    level: { type: 'enum', flag: '--level', choices: ['debug', 'info'], description: 'Level' },
  },
});

function parse(argv: string[], env: NodeJS.ProcessEnv = {}) {
  return cli.parse(argv, env);
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('defineCli parse', () => {
  it('infers the config type from the spec', () => {
    const { values } = parse([]);
    expectTypeOf(values.host).toEqualTypeOf<string>();
    expectTypeOf(values.port).toEqualTypeOf<number>();
    expectTypeOf(values.socket).toEqualTypeOf<string | undefined>();
    expectTypeOf(values.maxLine).toEqualTypeOf<number>();
    expectTypeOf(values.verbose).toEqualTypeOf<boolean>();
    expectTypeOf(values.mode).toEqualTypeOf<'suffix' | 'reject'>();
    expectTypeOf(values.level).toEqualTypeOf<'debug' | 'info' | undefined>();
  });

  it('uses defaults when nothing is given', () => {
    expect(parse([])).toEqual({
      values: {
        host: '127.0.0.1',
        port: 9999,
        socket: undefined,
        workers: 2,
        maxLine: 1_048_576,
        idle: 30_000,
        verbose: false,
        color: true,
        mode: 'suffix',
        level: undefined,
      },
      positionals: [],
    });
  });

  it('reads env over defaults and flags over env', () => {
    const env = { DEMO_PORT: '7000', DEMO_HOST: '0.0.0.0', DEMO_VERBOSE: 'true' };
    expect(parse([], env).values).toMatchObject({ port: 7000, host: '0.0.0.0', verbose: true });
    expect(parse(['--port', '7001', '--no-verbose'], env).values).toMatchObject({
      port: 7001,
      host: '0.0.0.0',
      verbose: false,
    });
  });

  it('treats an empty env var as unset', () => {
    expect(parse([], { DEMO_PORT: '' }).values.port).toBe(9999);
  });

  it('accepts --flag=value, --flag value, -s value and -s=value', () => {
    expect(parse(['--port=1']).values.port).toBe(1);
    expect(parse(['--port', '2']).values.port).toBe(2);
    expect(parse(['-p', '3']).values.port).toBe(3);
    expect(parse(['-p=4']).values.port).toBe(4);
    expect(parse(['--host=a=b']).values.host).toBe('a=b');
  });

  it('lets the last occurrence win', () => {
    expect(parse(['--port', '1', '--port', '2']).values.port).toBe(2);
  });

  it('collects positionals, including everything after --', () => {
    expect(parse(['store', '--port', '1', 'key', 'value']).positionals).toEqual(['store', 'key', 'value']);
    expect(parse(['calculate', 'add', '-5', '3']).positionals).toEqual(['calculate', 'add', '-5', '3']);
    expect(parse(['--', '--port', '-x']).positionals).toEqual(['--port', '-x']);
    expect(parse(['-']).positionals).toEqual(['-']);
  });

  it('parses booleans: --flag, --no-flag, --flag=value, short, env words', () => {
    expect(parse(['--verbose']).values.verbose).toBe(true);
    expect(parse(['-v']).values.verbose).toBe(true);
    expect(parse(['--no-color']).values.color).toBe(false);
    expect(parse(['--verbose=false']).values.verbose).toBe(false);
    expect(parse(['--color=0']).values.color).toBe(false);
    for (const word of ['1', 'true', 'TRUE', 'yes', 'on'])
      expect(parse([], { DEMO_VERBOSE: word }).values.verbose).toBe(true);
    for (const word of ['0', 'false', 'no', 'off'])
      expect(parse([], { DEMO_VERBOSE: word }).values.verbose).toBe(false);
    // A boolean never swallows the next argument.
    expect(parse(['--verbose', 'ping'])).toMatchObject({ values: { verbose: true }, positionals: ['ping'] });
  });

  it('rejects bad booleans naming the flag or env var', () => {
    expect(configError(() => parse(['--verbose=maybe'])).message).toBe(
      '--verbose: invalid value "maybe": expected true or false (also 1/0, yes/no, on/off)',
    );
    expect(configError(() => parse([], { DEMO_VERBOSE: 'maybe' })).message).toContain(
      'DEMO_VERBOSE (--verbose)',
    );
    expect(configError(() => parse(['--no-verbose=1'])).message).toBe('--no-verbose takes no value');
  });

  it('validates ports', () => {
    expect(parse(['--port', '0']).values.port).toBe(0);
    expect(parse(['--port', '65535']).values.port).toBe(65535);
    for (const bad of ['65536', '-1', 'abc', '80.5', '', '1e3']) {
      const err = configError(() => parse(['--port', bad]));
      expect(err.code).toBe(ServiceErrorCode.INVALID_CONFIG);
      expect(err.message).toBe(
        `--port: invalid value ${JSON.stringify(bad)}: expected a port number 0-65535`,
      );
    }
    expect(configError(() => parse([], { DEMO_PORT: 'http' })).message).toBe(
      'DEMO_PORT (--port): invalid value "http": expected a port number 0-65535',
    );
  });

  it('validates ints against min and max', () => {
    expect(parse(['--workers', '8']).values.workers).toBe(8);
    expect(configError(() => parse(['--workers', '9'])).message).toBe(
      '--workers: invalid value "9": expected an integer between 1 and 8',
    );
    expect(configError(() => parse(['--workers', '0'])).message).toContain('between 1 and 8');
    expect(configError(() => parse(['--workers', 'two'])).message).toContain('--workers');
  });

  it('parses byte sizes with units', () => {
    const cases: Array<[string, number]> = [
      ['1048576', 1_048_576],
      ['1MiB', 1_048_576],
      ['64KiB', 65_536],
      ['64kib', 65_536],
      ['64K', 65_536],
      ['10KB', 10_000],
      ['2 MiB', 2_097_152],
      ['1.5KiB', 1536],
      ['1GiB', 1024 ** 3],
      ['0', 0],
      ['100B', 100],
    ];
    for (const [raw, bytes] of cases) expect(parse(['--max-line', raw]).values.maxLine, raw).toBe(bytes);
    expect(parse([], { DEMO_MAX_LINE: '8KiB' }).values.maxLine).toBe(8192);
    for (const bad of ['1XB', 'MiB', '-1', '0.3B', 'lots']) {
      expect(configError(() => parse(['--max-line', bad])).message).toContain(
        `--max-line: invalid value ${JSON.stringify(bad)}: expected a byte size (e.g. 1048576, 64KiB, 1MiB)`,
      );
    }
  });

  it('parses durations with units', () => {
    const cases: Array<[string, number]> = [
      ['10000', 10_000],
      ['500ms', 500],
      ['30s', 30_000],
      ['1.5s', 1500],
      ['5m', 300_000],
      ['1h', 3_600_000],
    ];
    for (const [raw, ms] of cases) expect(parse(['--idle-timeout', raw]).values.idle, raw).toBe(ms);
    expect(parse([], { DEMO_IDLE: '2s' }).values.idle).toBe(2000);
    for (const bad of ['soon', '10d', '-5s', '1.5ms']) {
      expect(configError(() => parse(['--idle-timeout', bad])).message).toContain(
        `--idle-timeout: invalid value ${JSON.stringify(bad)}: expected a duration (e.g. 500ms, 30s, 5m; a bare number is ms)`,
      );
    }
  });

  it('checks byte and duration bounds', () => {
    const bounded = defineCli({
      name: 'b',
      description: 'b',
      options: {
        frame: {
          type: 'bytes',
          flag: '--max-frame',
          min: 1,
          max: 16 * 1024 * 1024,
          default: '1MiB',
          description: 'f',
        },
        grace: { type: 'duration', flag: '--grace', min: 1, max: 60_000, default: '10s', description: 'g' },
      },
    });
    expect(bounded.parse([], {}).values).toEqual({ frame: 1_048_576, grace: 10_000 });
    expect(configError(() => bounded.parse(['--max-frame', '17MiB'], {})).message).toContain(
      'between 1B and 16MiB',
    );
    expect(configError(() => bounded.parse(['--grace', '0'], {})).message).toContain('between 1ms and 1m');
  });

  it('validates enums listing the choices', () => {
    expect(parse(['--duplicate-names', 'reject']).values.mode).toBe('reject');
    expect(configError(() => parse(['--duplicate-names', 'merge'])).message).toBe(
      '--duplicate-names: invalid value "merge": expected one of suffix, reject',
    );
    expect(configError(() => parse([], { DEMO_DUPES: 'x' })).message).toContain(
      'DEMO_DUPES (--duplicate-names)',
    );
  });

  it('rejects an empty path', () => {
    expect(configError(() => parse(['--socket='])).message).toBe(
      '--socket: invalid value "": expected a non-empty path',
    );
    expect(parse(['--socket', '/tmp/a.sock']).values.socket).toBe('/tmp/a.sock');
    expect(parse([], { DEMO_SOCKET: '/tmp/b.sock' }).values.socket).toBe('/tmp/b.sock');
  });

  it('rejects unknown flags with a hint', () => {
    expect(configError(() => parse(['--prot', '1'])).message).toBe(
      'unknown option --prot (did you mean --port?); see demo-server --help',
    );
    expect(configError(() => parse(['-z'])).message).toBe('unknown option -z; see demo-server --help');
  });

  it('rejects a flag with its value missing', () => {
    expect(configError(() => parse(['--port'])).message).toBe('--port: missing value (expected a port)');
    expect(configError(() => parse(['--host', '--port', '1'])).message).toBe(
      '--host: missing value (expected a string)',
    );
  });

  it('enforces required options', () => {
    const required = defineCli({
      name: 'r',
      description: 'r',
      options: { key: { type: 'string', flag: '--key', env: 'R_KEY', required: true, description: 'k' } },
    });
    expectTypeOf(required.parse([], { R_KEY: 'x' }).values.key).toEqualTypeOf<string>();
    expect(configError(() => required.parse([], {})).message).toBe('--key is required (set --key or R_KEY)');
  });

  it('rejects a broken spec at definition time', () => {
    expect(() =>
      defineCli({
        name: 'x',
        description: 'x',
        options: {
          a: { type: 'int', flag: '--a', description: 'a' },
          b: { type: 'int', flag: '--a', description: 'b' },
        },
      }),
    ).toThrow(/already taken/);
    expect(() =>
      defineCli({
        name: 'x',
        description: 'x',
        options: { a: { type: 'port', flag: '--a', default: 70000, description: 'a' } },
      }),
    ).toThrow(ConfigError);
  });
});

describe('defineCli help', () => {
  it('lists every option with its default and env var', () => {
    const text = cli.help();
    expect(text).toContain('Usage: demo-server [options] [command]');
    expect(text).toContain('A demo server.');
    expect(text).toMatch(/-p, --port <port>\s+TCP port \(default: 9999, env: DEMO_PORT\)/);
    expect(text).toMatch(/--host <string>\s+Address to bind \(default: 127\.0\.0\.1, env: DEMO_HOST\)/);
    expect(text).toMatch(/--socket <path>\s+Unix socket path \(env: DEMO_SOCKET\)/);
    expect(text).toMatch(/--max-line <bytes>\s+Max line \(default: 1MiB, env: DEMO_MAX_LINE\)/);
    expect(text).toMatch(/--idle-timeout <duration>\s+Idle \(default: 30s, env: DEMO_IDLE\)/);
    expect(text).toMatch(/-v, --verbose, --no-verbose\s+Chatty \(default: false, env: DEMO_VERBOSE\)/);
    expect(text).toMatch(
      /--duplicate-names <suffix\|reject>\s+Duplicate names \(default: suffix, env: DEMO_DUPES\)/,
    );
    expect(text).toContain('-h, --help');
    expect(text).toContain('Examples:\n  demo-server --port 8080');
    for (const option of Object.values(cli.spec.options)) expect(text).toContain(option.flag);
  });

  it('parseArgs reports --help and -h without side effects', () => {
    expect(cli.parseArgs(['--port', '1', '--help'], {})).toEqual({
      help: true,
      kind: 'help',
      text: cli.help(),
    });
    expect(cli.parseArgs(['-h'], {})).toEqual({ help: true, kind: 'help', text: cli.help() });
    // Help wins even over values that would not parse.
    expect(cli.parseArgs(['--port', 'x', '--bogus', '-h'], {})).toMatchObject({ help: true });
    // After `--`, -h is a positional.
    expect(cli.parseArgs(['--', '-h'], {})).toMatchObject({ help: false, positionals: ['-h'] });
  });

  it('parse prints help and exits 0 through the injected io', () => {
    let out = '';
    const codes: number[] = [];
    expect(() =>
      cli.parse(
        ['--help'],
        {},
        { stdout: { write: (text: string) => (out += text) }, exit: (code) => codes.push(code) },
      ),
    ).toThrow(HelpShown);
    expect(out).toBe(cli.help());
    expect(codes).toEqual([0]);
  });
});

describe('formatting helpers', () => {
  it('formats bytes and durations compactly', () => {
    expect(formatBytes(1_048_576)).toBe('1MiB');
    expect(formatBytes(65_536)).toBe('64KiB');
    expect(formatBytes(1000)).toBe('1000B');
    expect(formatDuration(30_000)).toBe('30s');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(120_000)).toBe('2m');
    expect(formatDuration(1500)).toBe('1500ms');
  });
});

describe('shared log options', () => {
  it('logLevelOption and logFileOption parse like hand-written specs', () => {
    const cli = defineCli({
      name: 'x',
      description: 'x',
      options: { logLevel: logLevelOption(), logFile: logFileOption('X_LOG_FILE') },
    });
    expect(cli.parse([], {}).values).toEqual({ logLevel: 'info', logFile: undefined });
    expect(cli.parse(['--log-level', 'debug'], { X_LOG_FILE: 'a.log' }).values).toEqual({
      logLevel: 'debug',
      logFile: 'a.log',
    });
    expect(() => cli.parse(['--log-level', 'loud'], {})).toThrow(ConfigError);
    expectTypeOf(cli.parse([], {}).values.logLevel).toEqualTypeOf<
      'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent'
    >();
  });
});
