import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceErrorCode } from '@sockworks/error-codes';
import { tempDir } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  CONFIG_FILE_MAX_BYTES,
  ConfigError,
  defineCli,
  HelpShown,
  optionTableProblems,
} from '../src/cli/index.js';

const cli = defineCli({
  name: 'demo-server',
  description: 'A demo server.',
  configFile: { env: 'DEMO_CONFIG' },
  options: {
    host: { type: 'string', flag: '--host', env: 'DEMO_HOST', default: '127.0.0.1', description: 'Host' },
    port: { type: 'port', flag: '--port', short: '-p', env: 'DEMO_PORT', default: 9999, description: 'Port' },
    maxLine: { type: 'bytes', flag: '--max-line', env: 'DEMO_MAX_LINE', default: '1MiB', description: 'Max' },
    idle: { type: 'duration', flag: '--idle-timeout', env: 'DEMO_IDLE', default: '30s', description: 'Idle' },
    verbose: { type: 'boolean', flag: '--verbose', env: 'DEMO_VERBOSE', description: 'Chatty' },
    mode: {
      type: 'enum',
      flag: '--duplicate-names',
      choices: ['suffix', 'reject'],
      default: 'suffix',
      description: 'Dupes',
    },
    socketMode: { type: 'string', flag: '--socket-mode', default: '0660', description: 'Mode' },
    dataFile: { type: 'path', flag: '--data-file', description: 'Data file' },
    token: { type: 'string', flag: '--auth-token', env: 'DEMO_TOKEN', secret: true, description: 'Token' },
  },
});

/** Writes `text` to a fresh temp file called `name` and returns its path. */
function file(name: string, text: string | Buffer): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

function values(argv: string[], env: NodeJS.ProcessEnv = {}) {
  return cli.parse(argv, env).values;
}

/** The ConfigError message of parsing `argv`, checking the error's code on the way. */
function errorOf(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    cli.parseArgs(argv, env);
  } catch (err) {
    expect(ConfigError.isConfigError(err)).toBe(true);
    expect((err as ConfigError).code).toBe(ServiceErrorCode.INVALID_CONFIG);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`parsing ${argv.join(' ')} did not fail`);
}

function printed(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  const result = cli.parseArgs([...argv, '--print-config'], env);
  if (!result.help || result.kind !== 'print-config') throw new Error('no configuration printed');
  return result.text;
}

describe('--config: precedence', () => {
  it('flag > env > file > default, option by option', () => {
    const path = file('demo.yaml', 'host: file-host\nport: 1111\nmax-line: 2KiB\nidle-timeout: 5s\n');
    expect(
      values(['--config', path, '--host', 'flag-host'], { DEMO_HOST: 'env-host', DEMO_PORT: '2222' }),
    ).toEqual({
      host: 'flag-host',
      port: 2222,
      maxLine: 2048,
      idle: 5000,
      verbose: false,
      mode: 'suffix',
      socketMode: '0660',
      dataFile: undefined,
      token: undefined,
    });
    // Without the flag and the env vars the file wins over the defaults.
    expect(values(['--config', path])).toMatchObject({ host: 'file-host', port: 1111 });
    // An empty variable is unset, so the file's value shows through.
    expect(values(['--config', path], { DEMO_PORT: '' }).port).toBe(1111);
  });

  it('--config wins over DEMO_CONFIG; DEMO_CONFIG alone names the file', () => {
    const a = file('a.json', '{"port": 1}');
    const b = file('b.json', '{"port": 2}');
    expect(values([], { DEMO_CONFIG: a }).port).toBe(1);
    expect(values(['--config', b], { DEMO_CONFIG: a }).port).toBe(2);
    expect(values([], { DEMO_CONFIG: '' }).port).toBe(9999);
  });

  it('a boolean flag --no-verbose beats verbose: true in the file', () => {
    const path = file('d.yaml', 'verbose: true\n');
    expect(values(['--config', path]).verbose).toBe(true);
    expect(values(['--config', path, '--no-verbose']).verbose).toBe(false);
    expect(values(['--config', path], { DEMO_VERBOSE: 'off' }).verbose).toBe(false);
  });

  it('a required option may come from the file, and the error says so', () => {
    const needs = defineCli({
      name: 'need',
      description: 'x',
      configFile: {},
      options: { key: { type: 'string', flag: '--key', env: 'NEED_KEY', required: true, description: 'k' } },
    });
    expect(needs.parse(['--config', file('n.yaml', 'key: k1\n')], {}).values.key).toBe('k1');
    expect(() => needs.parse([], {})).toThrow(
      '--key is required (set --key, NEED_KEY or "key" in the config file)',
    );
  });
});

describe('--config: formats', () => {
  const expected = { host: 'h', port: 8080, maxLine: 65536, idle: 1500, verbose: true, mode: 'reject' };

  it('reads the same settings from YAML (.yaml, .yml) and JSON; sizes and durations as numbers or with units', () => {
    const yaml =
      '# a comment\nhost: h\nport: 8080\nmax-line: 64KiB\nidle-timeout: 1.5s\nverbose: true\nduplicate-names: reject\n';
    const json =
      '{"host":"h","port":8080,"max-line":65536,"idle-timeout":1500,"verbose":true,"duplicate-names":"reject"}';
    expect(values(['--config', file('c.yaml', yaml)])).toMatchObject(expected);
    expect(values(['--config', file('c.yml', yaml)])).toMatchObject(expected);
    expect(values(['--config', file('c.json', json)])).toMatchObject(expected);
    expect(values(['--config', file('C.JSON', `\ufeff${json}`)])).toMatchObject(expected);
  });

  it('an empty YAML file (or only comments) sets nothing; an empty JSON file is an error', () => {
    expect(values(['--config', file('e.yaml', '')]).port).toBe(9999);
    expect(values(['--config', file('e.yaml', '# nothing yet\n')]).port).toBe(9999);
    expect(errorOf(['--config', file('e.json', '')])).toMatch(
      /^config file .*e\.json: invalid JSON: Unexpected end of JSON input \(line 1, column 1\)$/,
    );
  });

  it('a JSON syntax error names the file, the line and the column', () => {
    const path = file('bad.json', '{\n  "port": 1\n  "host": "x"\n}\n');
    expect(errorOf(['--config', path])).toBe(
      `config file ${path}: invalid JSON: Expected ',' or '}' after property value in JSON at position 16 (line 3, column 3)`,
    );
  });

  it('a YAML syntax error or a duplicate key names the file, the line and the column', () => {
    const bad = file('bad.yaml', 'port: 1\nhost: [unclosed\n');
    expect(errorOf(['--config', bad])).toMatch(
      new RegExp(`^config file ${bad}: invalid YAML: .+ \\(line \\d+, column \\d+\\)$`),
    );
    const dup = file('dup.yaml', 'port: 1\nport: 2\n');
    expect(errorOf(['--config', dup])).toBe(
      `config file ${dup}: invalid YAML: Map keys must be unique (line 2, column 1)`,
    );
  });

  it('the top level must be a mapping', () => {
    expect(errorOf(['--config', file('l.yaml', '- port: 1\n')])).toMatch(
      /: expected a mapping of option keys to values at the top level, got a list$/,
    );
    expect(errorOf(['--config', file('s.json', '"port"')])).toMatch(/got the string "port"$/);
  });

  it('another extension is refused with the accepted ones', () => {
    const path = file('demo.toml', 'port = 1\n');
    expect(errorOf(['--config', path])).toBe(
      `config file ${path}: unknown format: name it *.json, *.yaml or *.yml`,
    );
  });

  it('YAML aliases are capped (billion laughs) and deep nesting fails cleanly', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      laughs.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    }
    expect(errorOf(['--config', file('laughs.yaml', `${laughs.join('\n')}\n`)])).toMatch(
      /invalid YAML: .*alias/i,
    );
    const deep = `port: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    expect(errorOf(['--config', file('deep.yaml', deep)])).toMatch(/^config file .*deep\.yaml: /);
    const deepJson = `{"port": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(errorOf(['--config', file('deep.json', deepJson)])).toMatch(/^(config file )?.*deep\.json: /);
  });
});

describe('--config: the file itself', () => {
  it('a missing file, a directory, an oversize file and broken UTF-8 are one-line errors naming the file', () => {
    const dir = tempDir();
    const missing = join(dir, 'nope.yaml');
    expect(errorOf(['--config', missing])).toBe(`config file ${missing}: not found`);
    mkdirSync(join(dir, 'd.yaml'));
    expect(errorOf(['--config', join(dir, 'd.yaml')])).toBe(
      `config file ${join(dir, 'd.yaml')}: not a regular file`,
    );
    const big = file('big.yaml', `# ${'x'.repeat(CONFIG_FILE_MAX_BYTES)}\n`);
    expect(errorOf(['--config', big])).toBe(
      `config file ${big}: ${CONFIG_FILE_MAX_BYTES + 3} bytes, over the ${CONFIG_FILE_MAX_BYTES}-byte limit`,
    );
    const latin1 = file('l.yaml', Buffer.from('host: caf\xe9\n', 'latin1'));
    expect(errorOf(['--config', latin1])).toBe(`config file ${latin1}: not valid UTF-8`);
  });

  it('a file of exactly the limit is read', () => {
    const header = 'port: 4242\n# ';
    const path = file('max.yaml', `${header}${'x'.repeat(CONFIG_FILE_MAX_BYTES - header.length - 1)}\n`);
    expect(values(['--config', path]).port).toBe(4242);
  });

  it('--config needs a value, and an empty one is refused like any empty path', () => {
    expect(errorOf(['--config'])).toBe('--config: missing value (expected file)');
    expect(errorOf(['--config='])).toBe('--config: invalid value "": expected a non-empty path');
  });

  it('a CLI without configFile has no --config', () => {
    const plain = defineCli({ name: 'plain', description: 'x', options: {} });
    expect(() => plain.parse(['--config', 'x.yaml'], {})).toThrow('unknown option --config');
    expect(plain.builtins).toEqual({});
    expect(plain.help()).not.toContain('--config');
  });
});

describe('--config: keys and values', () => {
  it('an unknown key is an error naming it, with a hint for near misses and camelCase', () => {
    const path = file('k.yaml', 'prot: 1\n');
    expect(errorOf(['--config', path])).toBe(
      `${path}: unknown key "prot" (did you mean "port"?); keys are the long flag names without "--"`,
    );
    expect(errorOf(['--config', file('k.yaml', 'maxLine: 1\n')])).toContain(
      'unknown key "maxLine" (did you mean "max-line"?)',
    );
    expect(errorOf(['--config', file('k.yaml', '--port: 1\n')])).toContain('(did you mean "port"?)');
    // The property name of an option whose flag differs is not a key either.
    expect(errorOf(['--config', file('k.yaml', 'mode: reject\n')])).toContain('unknown key "mode"');
    expect(errorOf(['--config', file('k.json', '{"__proto__": {"port": 1}}')])).toContain(
      'unknown key "__proto__"',
    );
    // --config and --print-config are not keys: a file cannot name another file.
    expect(errorOf(['--config', file('k.yaml', 'config: other.yaml\n')])).toContain('unknown key "config"');
  });

  it('a bad value names the file and the key, in the words used for the flag', () => {
    const path = file('v.yaml', 'port: 70000\n');
    const fromFlag = errorOf(['--port', '70000']);
    expect(fromFlag).toBe('--port: invalid value "70000": expected a port number 0-65535');
    expect(errorOf(['--config', path])).toBe(`${path}: port: ${fromFlag.slice('--port: '.length)}`);
    expect(errorOf(['--config', file('v.yaml', 'duplicate-names: maybe\n')])).toMatch(
      /: duplicate-names: invalid value "maybe": expected one of suffix, reject$/,
    );
    expect(errorOf(['--config', file('v.yaml', 'max-line: 1.5x\n')])).toMatch(
      /: max-line: invalid value "1.5x"/,
    );
    expect(errorOf(['--config', file('v.yaml', 'port: 1.5\n')])).toMatch(/: port: invalid value "1.5"/);
    expect(errorOf(['--config', file('v.yaml', 'port: .nan\n')])).toMatch(/: port: invalid value "NaN"/);
  });

  it('values are typed strictly: no numbers as strings, no strings as numbers or booleans', () => {
    const cases: Array<[string, RegExp]> = [
      ['port: "8080"', /: port: expected a number, got the string "8080"$/],
      ['socket-mode: 0660', /: socket-mode: expected a string \(quote it\), got the number 660$/],
      ['verbose: "yes"', /: verbose: expected true or false, got the string "yes"$/],
      ['verbose: 1', /: verbose: expected true or false, got the number 1$/],
      ['host: [a, b]', /: host: expected a string, got a list$/],
      ['host:', /: host: expected a string, got null$/],
      ['max-line: {a: 1}', /: max-line: expected a byte size \(1048576 or "1MiB"\), got a mapping$/],
      ['idle-timeout: true', /: idle-timeout: expected a duration \(30000 or "30s"\), got the boolean true$/],
    ];
    for (const [yaml, message] of cases)
      expect(errorOf(['--config', file('t.yaml', `${yaml}\n`)])).toMatch(message);
    expect(values(['--config', file('t.yaml', 'socket-mode: "0660"\nmax-line: "2048"\n')])).toMatchObject({
      socketMode: '0660',
      maxLine: 2048,
    });
  });

  it('a bad value in the file is an error even when a flag overrides it', () => {
    expect(errorOf(['--config', file('o.yaml', 'port: x\n'), '--port', '1'])).toMatch(
      /: port: expected a number/,
    );
  });
});

describe('--print-config', () => {
  it('prints every key with its value and source, sizes and durations with units, and exits 0', () => {
    const path = file('p.yaml', 'port: 1111\nidle-timeout: 90s\n');
    const text = printed(['--config', path, '--host', '0.0.0.0'], { DEMO_MAX_LINE: '64KiB' });
    expect(text).toContain('host: 0.0.0.0  # --host\n');
    expect(text).toContain('port: 1111  # config file\n');
    expect(text).toContain('max-line: 64KiB  # DEMO_MAX_LINE\n');
    expect(text).toContain('idle-timeout: 90s  # config file\n');
    expect(text).toContain('verbose: false  # default\n');
    expect(text).toContain('socket-mode: "0660"  # default\n');
    expect(text).toContain('# data-file: (not set)\n');
    expect(text.startsWith('# Effective configuration of demo-server')).toBe(true);
  });

  it('parse() prints it through the injected io and exits 0 without returning values', () => {
    let out = '';
    const exits: number[] = [];
    expect(() =>
      cli.parse(
        ['--print-config'],
        {},
        { stdout: { write: (t: string) => (out += t) }, exit: (c) => exits.push(c) },
      ),
    ).toThrow(HelpShown);
    expect(exits).toEqual([0]);
    expect(out).toContain('port: 9999  # default');
  });

  it('redacts secrets, from any source, and never prints them', () => {
    const text = printed(['--auth-token', 's3cret-flag']);
    expect(text).toContain('auth-token: "[redacted]"  # --auth-token\n');
    expect(text).not.toContain('s3cret');
    expect(printed([], { DEMO_TOKEN: 's3cret-env' })).not.toContain('s3cret');
    expect(printed(['--config', file('s.yaml', 'auth-token: s3cret-file\n')])).not.toContain('s3cret');
    // A secret of the wrong type: the message names the type, not the value.
    const message = errorOf(['--config', file('s.yaml', 'auth-token: 123456\n')]);
    expect(message).toMatch(/: auth-token: expected a string \(quote it\), got a number$/);
  });

  it('round trip: the printed text is a config file that gives the same values', () => {
    const dir = tempDir();
    const argv = [
      '--host',
      '::1',
      '-p',
      '0',
      '--max-line',
      '1500',
      '--verbose',
      '--duplicate-names',
      'reject',
    ];
    const first = printed(argv, { DEMO_IDLE: '1h' });
    const path = join(dir, 'printed.yaml');
    writeFileSync(path, first);
    expect(values(['--config', path])).toEqual(values(argv, { DEMO_IDLE: '1h' }));
    // The same again, except that every value now comes from the file.
    const second = printed(['--config', path]);
    const strip = (text: string) => text.replace(/ {2}# .*$/gm, '');
    expect(strip(second)).toBe(strip(first));
    expect(parseYaml(first)).toEqual({
      host: '::1',
      port: 0,
      'max-line': '1500B',
      'idle-timeout': '1h',
      verbose: true,
      'duplicate-names': 'reject',
      'socket-mode': '0660',
    });
  });

  it('a redacted secret read back is refused unless its flag or env var gives the real one', () => {
    const path = file('r.yaml', printed([], { DEMO_TOKEN: 'tok' }));
    expect(errorOf(['--config', path])).toBe(
      `${path}: auth-token: "[redacted]" is what --print-config shows for a secret; put the real value here or set DEMO_TOKEN`,
    );
    expect(values(['--config', path], { DEMO_TOKEN: 'tok' }).token).toBe('tok');
  });

  it('bad configuration is still an error, not printed', () => {
    expect(errorOf(['--print-config', '--port', 'x'])).toBe(
      '--port: invalid value "x": expected a port number 0-65535',
    );
  });
});

describe('--config and --print-config in --help and README tables', () => {
  it('--help lists both, with the env var', () => {
    const help = cli.help();
    expect(help).toMatch(/--config <file>\s+Read options from this JSON or YAML file .*\(env: DEMO_CONFIG\)/);
    expect(help).toContain('--print-config');
  });

  it('optionTableProblems wants a row for each, with the env var and no default', () => {
    const rows = [
      '| flag | env | default | meaning |',
      '| --- | --- | --- | --- |',
      '| `--host` | `DEMO_HOST` | `127.0.0.1` | |',
      '| `--port`, `-p` | `DEMO_PORT` | `9999` | |',
      '| `--max-line` | `DEMO_MAX_LINE` | `1MiB` | |',
      '| `--idle-timeout` | `DEMO_IDLE` | `30s` | |',
      '| `--verbose` | `DEMO_VERBOSE` | off | |',
      '| `--duplicate-names` | | `suffix` | |',
      '| `--socket-mode` | | `0660` | |',
      '| `--data-file` | | (none) | |',
      '| `--auth-token` | `DEMO_TOKEN` | (none) | |',
    ];
    const readme = (extra: string[]) => ['## Options', '', ...rows, ...extra, ''].join('\n');
    expect(optionTableProblems(readme([]), '## Options', cli)).toEqual([
      '--config: no row',
      '--print-config: no row',
    ]);
    expect(
      optionTableProblems(
        readme(['| `--config` | `DEMO_CONFIG` | (none) | |', '| `--print-config` | | off | |']),
        '## Options',
        cli,
      ),
    ).toEqual([]);
    expect(
      optionTableProblems(
        readme(['| `--config` | `X_CONFIG` | `a.yaml` | |', '| `--print-config` | | off | |']),
        '## Options',
        cli,
      ),
    ).toEqual([
      '--config: env var is DEMO_CONFIG, documented X_CONFIG',
      '--config: has no default, documented a.yaml',
    ]);
  });
});
