import { describe, expect, it } from 'vitest';
import { defineCli, optionTableProblems, readOptionTable } from '../src/cli/index.js';

const cli = defineCli({
  name: 'demo',
  description: 'a demo',
  options: {
    port: { flag: '--port', short: '-p', env: 'DEMO_PORT', type: 'port', default: 8080, description: 'port' },
    maxBytes: { flag: '--max-bytes', env: 'DEMO_MAX', type: 'bytes', default: '1MiB', description: 'max' },
    grace: { flag: '--grace', type: 'duration', default: 10_000, description: 'grace' },
    file: { flag: '--file', env: 'DEMO_FILE', type: 'path', description: 'file' },
    json: { flag: '--json', type: 'boolean', description: 'json' },
    user: { flag: '--user', type: 'string', required: true, description: 'user' },
  },
});

const table = (rows: string[]) =>
  [
    '# demo',
    '',
    '## Options',
    '',
    'Some text.',
    '',
    '| flag | env | default | what |',
    '|---|---|---|---|',
    ...rows,
    '',
    '## Next',
    '| `--other` | | | |',
  ].join('\n');

const good = [
  '| `--port`, `-p` | `DEMO_PORT` | `8080` | port |',
  '| `--max-bytes` | `DEMO_MAX` | `1024KiB` (1 MiB) | max |',
  '| `--grace` | – | `10s` | grace |',
  '| `--file` | `DEMO_FILE` | unset | file |',
  '| `--json`, `--no-json` | | off | json |',
  '| `--user` | | (required) | user |',
  '| `--help`, `-h` | | | help |',
];

describe('README option tables', () => {
  it('reads the rows of the first table after the heading only, --help left out', () => {
    expect(readOptionTable(table(good), '## Options').map((r) => r.flag)).toEqual([
      '--port',
      '--max-bytes',
      '--grace',
      '--file',
      '--json',
      '--user',
    ]);
    expect(() => readOptionTable(table(good), '## Missing')).toThrow(/no heading/);
  });

  it('finds no problem when the table matches the spec (defaults compared as parsed values)', () => {
    expect(optionTableProblems(table(good), '## Options', cli)).toEqual([]);
  });

  it('names every difference: missing, unknown, short flag, env var, default', () => {
    const bad = [
      '| `--port` | `PORT` | `8081` | port |',
      '| `--max-bytes` | `DEMO_MAX` | `lots` | max |',
      '| `--grace` | | unset | grace |',
      '| `--file` | `DEMO_FILE` | `/tmp/x` | file |',
      '| `--json` | | `true` | json |',
      '| `--stale` | | | gone |',
    ];
    expect(optionTableProblems(table(bad), '## Options', cli)).toEqual([
      '--stale: documented but not an option',
      '--port: short flag -p not shown',
      '--port: env var is DEMO_PORT, documented PORT',
      '--port: default is 8080, documented 8081 (8081)',
      expect.stringMatching(/^--max-bytes: documented default lots does not parse/),
      '--grace: default is 10000, documented none',
      '--file: default is undefined, documented /tmp/x (/tmp/x)',
      '--json: default is false, documented `true`',
      '--user: no row',
    ]);
  });
});

describe('README option tables: layouts seen in the apps', () => {
  it('reads flags and short flags inside one code span, and skips fenced code before the table', () => {
    const md = [
      '## Options',
      '',
      '```sh',
      '# a shell comment is not a heading',
      '| not | a | table |',
      '```',
      '',
      '| flag | env | default |',
      '|---|---|---|',
      '| `-p, --port` | `DEMO_PORT` | `8080` |',
      '| `--max-bytes` | `DEMO_MAX` | `1MiB` |',
      '| `--grace` | | `10s` |',
      '| `--file` | `DEMO_FILE` | |',
      '| `--json, --no-json` | – | off |',
      '| `--user` | | |',
    ].join('\n');
    expect(optionTableProblems(md, '## Options', cli)).toEqual([]);
  });
});
