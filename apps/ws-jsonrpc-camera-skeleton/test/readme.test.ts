import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testClientCli } from '../src/cli/test-client-config.js';
import { serverCli } from '../src/config.js';

const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md'), 'utf8');

interface Row {
  flag: string;
  env: string | undefined;
  value: string | undefined;
}

/** The option rows of the first Markdown table after `heading` (`--help` left out). */
function optionTable(heading: string): Row[] {
  const start = readme.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: Row[] = [];
  let inTable = false;
  for (const line of readme.slice(start).split('\n').slice(1)) {
    if (!line.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    const cells = line.split('|').map((c) => c.trim());
    const flag = /^`(--[a-z-]+)`/.exec(cells[1] ?? '')?.[1];
    if (flag === undefined || flag === '--help') continue;
    const code = (cell: string | undefined) => /^`([^`]*)`$/.exec(cell ?? '')?.[1];
    rows.push({ flag, env: code(cells[2]), value: code(cells[3]) });
  }
  return rows;
}

type AnyCli = typeof serverCli | typeof testClientCli;

function expectTableMatches(cli: AnyCli, rows: Row[]): void {
  const options = Object.entries(cli.spec.options) as Array<[string, { flag: string; env?: string }]>;
  expect(rows.map((r) => r.flag).sort()).toEqual(options.map(([, o]) => o.flag).sort());
  const defaults = cli.parseArgs([], {});
  if (defaults.help) throw new Error('unexpected help');
  for (const [key, option] of options) {
    const row = rows.find((r) => r.flag === option.flag);
    expect(row?.env, option.flag).toBe(option.env);
    const actual = (defaults.values as Record<string, unknown>)[key];
    if (row?.value === undefined) {
      expect(actual, `${option.flag} is documented as unset`).toBeUndefined();
    } else if (typeof actual === 'boolean') {
      expect(String(actual), option.flag).toBe(row.value);
    } else {
      // The documented default, parsed as a flag value, must equal the real default.
      const parsed = cli.parseArgs([option.flag, row.value], {});
      if (parsed.help) throw new Error('unexpected help');
      expect((parsed.values as Record<string, unknown>)[key], option.flag).toEqual(actual);
    }
  }
}

describe('README', () => {
  it('the server options table lists every flag with its env var and default', () => {
    expectTableMatches(serverCli, optionTable('## Options'));
  });

  it('the test client options table lists every flag with its env var and default', () => {
    expectTableMatches(testClientCli, optionTable('## Test client'));
  });
});
