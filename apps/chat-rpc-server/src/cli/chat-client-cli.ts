import { defineCli } from '@sockworks/service/cli';
import { DEFAULT_HOST, DEFAULT_PORT } from '../protocol/constants.js';

/** Flags and environment variables of `chat-client`. */
export const chatClientCli = defineCli({
  name: 'chat-client',
  description:
    'Interactive terminal client for chat-rpc-server: rooms, private messages, history, presence. Type /help once connected.',
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
      description:
        'Reconnect with backoff when the connection drops and resume the session (same name and rooms, missed messages)',
    },
  },
});
