#!/usr/bin/env node
import { defineCli, runCli } from '@sockworks/service';
import { DEFAULT_HOST, DEFAULT_PORT } from '../server.js';
import { runInteractiveClient } from './interactive.js';

const cli = defineCli({
  name: 'chat-client',
  description: 'Interactive terminal client for chat-rpc-server. Type /help once connected.',
  usage: '--username <name> [options]',
  examples: ['chat-client --username Alice', 'chat-client -u Bob --host 10.0.0.5 --port 65432 --reconnect'],
  options: {
    username: {
      type: 'string',
      flag: '--username',
      short: '-u',
      env: 'CHAT_USERNAME',
      required: true,
      description: 'Name to join with',
    },
    host: {
      type: 'string',
      flag: '--host',
      env: 'CHAT_HOST',
      default: DEFAULT_HOST,
      description: 'Server address',
    },
    port: {
      type: 'port',
      flag: '--port',
      short: '-p',
      env: 'CHAT_PORT',
      default: DEFAULT_PORT,
      description: 'Server port',
    },
    reconnect: {
      type: 'boolean',
      flag: '--reconnect',
      env: 'CHAT_RECONNECT',
      default: false,
      description: 'Reconnect with backoff (and re-join) when the connection drops',
    },
  },
});

runCli(
  async () => {
    const { values } = cli.parse();
    const code = await runInteractiveClient({
      username: values.username,
      client: { host: values.host, port: values.port, reconnect: values.reconnect },
    });
    process.exitCode = code;
  },
  { name: 'chat-client' },
);
