import { readFileSync } from 'node:fs';
import { configExampleProblems, optionTableProblems } from '@sockworks/service/cli';
import { describe, expect, it } from 'vitest';
import { chatClientCli } from '../src/cli/chat-client-cli.js';
import { serverCli } from '../src/cli/server-options.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('the README documents every option as --help shows it (flag, short flag, env var, default)', () => {
  it('chat-rpc-server', () => {
    expect(optionTableProblems(README, '## Options', serverCli)).toEqual([]);
  });

  it('chat-client', () => {
    expect(optionTableProblems(README, '### Interactive client: `chat-client`', chatClientCli)).toEqual([]);
  });
});

describe('the README example config file', () => {
  it('is accepted by --config (every key an option, every value valid)', () => {
    expect(configExampleProblems(README, '### Configuration file', serverCli)).toEqual([]);
  });
});
