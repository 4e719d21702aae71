import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatBytes, formatDuration, type OptionSpecs } from '@sockworks/service';
import { describe, expect, it } from 'vitest';
import { clientCli } from '../src/cli/options.js';
import { serverCli } from '../src/config.js';

const README = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

/** The rows `| --flag, -f | ENV | default | ... |` of the first table after `heading`. */
function readmeRows(heading: string): Map<string, string[]> {
  const start = README.indexOf(`\n${heading}\n`);
  if (start === -1) throw new Error(`README has no heading ${heading}`);
  const rest = README.slice(start + heading.length + 2);
  const next = rest.search(/\n#{2,3} /);
  const rows = new Map<string, string[]>();
  for (const line of (next === -1 ? rest : rest.slice(0, next)).split('\n')) {
    if (!line.startsWith('| `-')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const flag = /`(--[a-z-]+)`/.exec(cells[0] ?? '')?.[1];
    if (flag !== undefined) rows.set(flag, cells);
  }
  return rows;
}

/** The default as --help prints it. */
function shownDefault(option: OptionSpecs[string]): string | undefined {
  const value = option.default;
  if (value === undefined || value === '') return undefined;
  if (option.type === 'bytes' && typeof value === 'number') return formatBytes(value);
  if (option.type === 'duration' && typeof value === 'number') return formatDuration(value);
  return String(value);
}

function checkTable(heading: string, options: OptionSpecs): void {
  const rows = readmeRows(heading);
  const flags = Object.values(options).map((o) => o.flag);
  expect([...rows.keys()].sort()).toEqual([...flags].sort());
  for (const option of Object.values(options)) {
    const [flagCell = '', envCell = '', defaultCell = ''] = rows.get(option.flag) ?? [];
    if (option.short !== undefined) expect(flagCell, option.flag).toContain(`\`${option.short}\``);
    expect(envCell, option.flag).toBe(option.env === undefined ? '' : `\`${option.env}\``);
    const shown = shownDefault(option);
    if (shown === undefined) expect(defaultCell, option.flag).toBe('(none)');
    else expect(defaultCell.startsWith(`\`${shown}\``), `${option.flag}: ${defaultCell}`).toBe(true);
  }
}

describe('the README documents every option as --help shows it', () => {
  it('binary-tcp-server: flag, short flag, env var and default of every option', () => {
    checkTable('## Options', serverCli.spec.options);
  });

  it('tcp-client: flag, short flag, env var and default of every option', () => {
    checkTable('## tcp-client CLI', clientCli.spec.options);
  });
});
