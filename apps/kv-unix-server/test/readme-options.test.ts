import { readFileSync } from 'node:fs';
import { configExampleProblems, optionTableProblems } from '@sockworks/service/cli';
import { describe, expect, it } from 'vitest';
import { repairCli } from '../src/cli/repair.js';
import { clientCli } from '../src/cli/run.js';
import { serverCli } from '../src/cli/server-options.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('the README documents every option as --help shows it (flag, short flag, env var, default)', () => {
  it('kv-unix-server', () => {
    expect(optionTableProblems(README, '## Options and limits', serverCli)).toEqual([]);
  });

  it('kv-client', () => {
    expect(optionTableProblems(README, '## CLI: `kv-client`', clientCli)).toEqual([]);
  });

  it('kv-repair', () => {
    expect(optionTableProblems(README, '### Repair: `kv-repair`', repairCli)).toEqual([]);
  });
});

describe('the README example config file', () => {
  it('is accepted by --config (every key an option, every value valid)', () => {
    expect(configExampleProblems(README, '### Configuration file', serverCli)).toEqual([]);
  });
});
