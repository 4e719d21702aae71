import type { Cli } from './define-cli.js';
import type { OptionSpec, OptionSpecs } from './option-spec.js';

/** One option row of a Markdown options table: `| --flag, -f | ENV | default | ... |`. */
export interface OptionTableRow {
  /** the long flag (first `--flag` in the first cell) */
  flag: string;
  /** every cell, trimmed */
  cells: string[];
}

/**
 * The option rows of the first Markdown table after the line `heading` (for example `## Options`).
 * A row is one whose first cell holds a backticked long flag; `--help` rows are left out.
 * Throws when the heading is missing, so a renamed section fails loudly.
 */
export function readOptionTable(markdown: string, heading: string): OptionTableRow[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start === -1) throw new Error(`no heading "${heading}"`);
  const rows: OptionTableRow[] = [];
  let inTable = false;
  let inFence = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('```')) inFence = !inFence;
    if (inFence) continue;
    if (!line.startsWith('|')) {
      if (inTable || /^#{1,6} /.test(line)) break;
      continue;
    }
    inTable = true;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const flag = codeTokens(cells[0] ?? '').find((token) => /^--(?!no-)[a-z0-9][a-z0-9-]*$/i.test(token));
    if (flag !== undefined && flag !== '--help') rows.push({ flag, cells });
  }
  return rows;
}

/** The words inside a cell's code spans: `` `-p, --port` `` gives `-p`, `--port`. */
const codeTokens = (cell: string): string[] =>
  [...cell.matchAll(/`([^`]*)`/g)].flatMap((m) => (m[1] ?? '').split(/[\s,]+/).filter(Boolean));

const firstCode = (cell: string | undefined): string | undefined => /`([^`]*)`/.exec(cell ?? '')?.[1];

/**
 * Compares a README options table (columns: flag(s), env var, default, ...) with a CLI's spec and
 * returns one line per difference; empty when they agree. Checked: every option (the built-in
 * `--config` and `--print-config` included, when the CLI has them) has a row and no row
 * names an unknown flag; the short flag is in the flag cell; the env cell names the option's env var
 * (or none); the default cell's first backticked value parses to the real default (a cell without
 * one means no default; boolean rows may say `on`/`off`).
 */
export function optionTableProblems<O extends OptionSpecs>(
  markdown: string,
  heading: string,
  cli: Cli<O>,
): string[] {
  const problems: string[] = [];
  const rows = new Map(readOptionTable(markdown, heading).map((row) => [row.flag, row.cells]));
  const options = Object.entries(cli.spec.options) as Array<[string, OptionSpec]>;
  const builtins = Object.values(cli.builtins);
  const known = new Set<string>(
    [...options, ...Object.entries(cli.builtins)].map(([, option]) => option.flag),
  );
  for (const flag of rows.keys())
    if (!known.has(flag)) problems.push(`${flag}: documented but not an option`);
  // Required options without a default get a stand-in value so the others' defaults can be read.
  const required = options.filter(([, o]) => o.required === true && o.default === undefined);
  const standIns = required.flatMap(([, o]) => [
    o.flag,
    o.type === 'string' || o.type === 'path' ? 'x' : '1',
  ]);
  const defaults = valuesOf(cli, standIns);
  for (const [name] of required) defaults[name] = undefined;
  for (const [name, option] of options) {
    const cells = rows.get(option.flag);
    if (cells === undefined) {
      problems.push(`${option.flag}: no row`);
      continue;
    }
    const [flagCell = '', envCell = '', defaultCell = ''] = cells;
    if (option.short !== undefined && !codeTokens(flagCell).includes(option.short)) {
      problems.push(`${option.flag}: short flag ${option.short} not shown`);
    }
    const env = firstCode(envCell);
    if (env !== option.env)
      problems.push(`${option.flag}: env var is ${option.env ?? 'none'}, documented ${env ?? 'none'}`);
    const actual = defaults[name];
    const documented = firstCode(defaultCell);
    if (option.type === 'boolean') {
      const on =
        documented === undefined ? /\bon\b/i.test(defaultCell) : documented === 'true' || documented === 'on';
      if (on !== (actual === true))
        problems.push(`${option.flag}: default is ${String(actual)}, documented ${defaultCell || 'empty'}`);
    } else if (documented === undefined) {
      if (actual !== undefined && actual !== '') {
        problems.push(`${option.flag}: default is ${String(actual)}, documented none`);
      }
    } else {
      let parsed: unknown;
      try {
        parsed = valuesOf(cli, [...standIns, option.flag, documented])[name];
      } catch (err) {
        problems.push(
          `${option.flag}: documented default ${documented} does not parse (${err instanceof Error ? err.message : String(err)})`,
        );
        continue;
      }
      if (parsed !== actual) {
        problems.push(
          `${option.flag}: default is ${String(actual)}, documented ${documented} (${String(parsed)})`,
        );
      }
    }
  }
  // --config and --print-config: documented like the others, with no default.
  for (const option of builtins) {
    const cells = rows.get(option.flag);
    if (cells === undefined) {
      problems.push(`${option.flag}: no row`);
      continue;
    }
    const [, envCell = '', defaultCell = ''] = cells;
    const env = firstCode(envCell);
    if (env !== option.env)
      problems.push(`${option.flag}: env var is ${option.env ?? 'none'}, documented ${env ?? 'none'}`);
    const documented = firstCode(defaultCell);
    if (documented !== undefined && documented !== 'false' && documented !== 'off')
      problems.push(`${option.flag}: has no default, documented ${documented}`);
  }
  return problems;
}

function valuesOf<O extends OptionSpecs>(cli: Cli<O>, argv: string[]): Record<string, unknown> {
  const result = cli.parseArgs(argv, {});
  if (result.help) throw new Error('help requested');
  return result.values as Record<string, unknown>;
}
