import { readFileSync } from 'node:fs';
import { configExampleProblems, optionTableProblems } from '@sockworks/service/cli';
import { describe, expect, it } from 'vitest';
import { requestCli } from '../src/cli/request-cli.js';
import { serverCli } from '../src/cli/server-options.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('the README documents every option as --help shows it (flag, short flag, env var, default)', () => {
  it('http-local-server', () => {
    expect(optionTableProblems(README, '## Options', serverCli)).toEqual([]);
  });

  it('http-local-request', () => {
    expect(optionTableProblems(README, '### CLI: `http-local-request`', requestCli)).toEqual([]);
  });
});

describe('the README example config file', () => {
  it('is accepted by --config (every key an option, every value valid)', () => {
    expect(configExampleProblems(README, '### Configuration file', serverCli)).toEqual([]);
  });
});
