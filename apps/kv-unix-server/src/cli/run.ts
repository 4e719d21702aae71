import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ConfigError } from '@sockworks/service';
import { defineCli } from '@sockworks/service/cli';
import { KvClient } from '../client/client.js';
import type { ListKeysPage } from '../client/types.js';
import { formatData } from './format.js';
import { CLI_COMMANDS, type CliRequest, requestFromWords } from './requests.js';
import { socketOption } from './socket-option.js';
import { tokenize, UsageError } from './tokenize.js';

/** The client CLI's flags and environment variables. */
export const clientCli = defineCli({
  name: 'kv-client',
  description: [
    'Client of kv-unix-server. With a command, sends it and prints the reply; without one, reads',
    'commands from stdin (interactive, one per line) until EOF or "exit".',
    '',
    'Commands:',
    ...CLI_COMMANDS.map(([usage, doc]) => `  ${usage.padEnd(24)} ${doc}`),
  ].join('\n'),
  usage: '[options] [command [args...]]',
  options: {
    socket: socketOption("The server's Unix socket"),
    json: {
      type: 'boolean',
      flag: '--json',
      description: 'Print each raw reply line (JSON) instead of formatted output',
    },
    timeout: {
      type: 'duration',
      flag: '--timeout',
      env: 'KV_CLIENT_TIMEOUT',
      default: 10_000,
      description: 'Give up on a reply after this long',
    },
  },
  examples: [
    'kv-client ping',
    'kv-client store username john_doe',
    'kv-client retrieve username',
    'kv-client calculate add 10 5',
    'kv-client --json list_keys',
    'printf "store a 1\\nretrieve a\\n" | kv-client',
  ],
});

/** Streams and environment of one CLI run (injectable for tests). */
export interface KvClientCliIo {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
}

/** Runs the CLI; resolves with the exit code (0 ok, 1 error reply or connection failure, 2 usage). */
export async function runKvClientCli(io: KvClientCliIo): Promise<number> {
  let config: ReturnType<typeof clientCli.parseArgs>;
  let request: CliRequest | undefined;
  try {
    config = clientCli.parseArgs(io.argv, io.env);
    if (config.help) {
      io.stdout.write(config.text);
      return 0;
    }
    if (config.positionals.length > 0) request = requestFromWords(config.positionals);
  } catch (err) {
    if (ConfigError.isConfigError(err) || err instanceof UsageError) {
      io.stderr.write(`kv-client: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
  const { socket, json, timeout } = config.values;
  let client: KvClient;
  try {
    client = await KvClient.connect(socket, { requestTimeoutMs: timeout, connectTimeoutMs: timeout });
  } catch (err) {
    io.stderr.write(`kv-client: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    if (request !== undefined) return (await execute(client, request, json, io)) ? 0 : 1;
    return await interactive(client, json, io);
  } finally {
    client.destroy();
  }
}

/** Sends one request and prints the reply; false when it was an error reply. */
async function execute(
  client: KvClient,
  request: CliRequest,
  json: boolean,
  io: KvClientCliIo,
): Promise<boolean> {
  if (request.command === 'list_keys' && !Object.hasOwn(request.data, 'cursor')) {
    return listAllKeys(client, request.data, json, io);
  }
  const response = await client.send(request.command, request.data);
  if (json) {
    io.stdout.write(`${JSON.stringify(response)}\n`);
    return response.success;
  }
  if (response.success) {
    io.stdout.write(`${formatData(request.command, response.data)}\n`);
    return true;
  }
  io.stderr.write(`error ${response.error.code}: ${response.error.message}\n`);
  return false;
}

/** `list_keys` without a cursor: pages through the keyspace, printing each page as it arrives. */
async function listAllKeys(
  client: KvClient,
  data: Record<string, unknown>,
  json: boolean,
  io: KvClientCliIo,
): Promise<boolean> {
  let cursor = '0';
  let printed = 0;
  do {
    const response = await client.send('list_keys', { ...data, cursor });
    if (json) io.stdout.write(`${JSON.stringify(response)}\n`);
    if (!response.success) {
      if (!json) io.stderr.write(`error ${response.error.code}: ${response.error.message}\n`);
      return false;
    }
    const page = response.data as ListKeysPage;
    if (!json && page.keys.length > 0) io.stdout.write(`${page.keys.join('\n')}\n`);
    printed += page.keys.length;
    // A server from before paging answers every key and no cursor: done.
    cursor = typeof page.cursor === 'string' ? page.cursor : '0';
  } while (cursor !== '0');
  if (!json && printed === 0) io.stdout.write('(no keys)\n');
  return true;
}

async function interactive(client: KvClient, json: boolean, io: KvClientCliIo): Promise<number> {
  const tty = io.stdin.isTTY === true;
  const rl = createInterface({ input: io.stdin, output: tty ? io.stdout : undefined, terminal: tty });
  if (tty) {
    io.stdout.write(
      'kv-client: type a command (ping, store k v, retrieve k, ...), "exit" or Ctrl+D to quit\n',
    );
    rl.setPrompt('kv> ');
    rl.prompt();
  }
  try {
    for await (const line of rl) {
      const trimmed = line.trim();
      if (trimmed === 'exit' || trimmed === 'quit') break;
      if (trimmed !== '' && !trimmed.startsWith('#')) {
        try {
          await execute(client, requestFromWords(tokenize(trimmed)), json, io);
        } catch (err) {
          if (!(err instanceof UsageError)) {
            io.stderr.write(`kv-client: ${(err as Error).message}\n`);
            return 1;
          }
          io.stderr.write(`${err.message}\n`);
        }
      }
      if (tty) rl.prompt();
    }
  } finally {
    rl.close();
  }
  return 0;
}
