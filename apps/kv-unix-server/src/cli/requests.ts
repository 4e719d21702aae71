import { UsageError } from './tokenize.js';

/** A request the CLI is about to send. */
export interface CliRequest {
  command: string;
  data: Record<string, unknown>;
}

/** A value typed on the command line: JSON when it parses (`42`, `true`, `{"a":1}`), else the text. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parseNumber(text: string): number | string {
  const n = Number(text);
  // Anything else goes to the server as typed, which answers INVALID_INPUT.
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

function expectArgs(name: string, args: string[], min: number, max: number, usage: string): void {
  if (args.length < min || args.length > max) throw new UsageError(`usage: ${name} ${usage}`.trimEnd());
}

const ALIASES: Readonly<Record<string, string>> = {
  'list-keys': 'list_keys',
  keys: 'list_keys',
  del: 'delete',
};

/** One line of the CLI's grammar, for `--help` and the interactive `help`. */
export const CLI_COMMANDS: ReadonlyArray<[string, string]> = [
  ['ping', 'server status'],
  ['time', 'server time'],
  ['echo <message...>', 'echo a message'],
  ['calculate <op> <a> <b>', 'op: add subtract multiply divide power modulo'],
  ['store <key> <value...>', 'value is JSON if it parses (42, true, {"a":1}), else text'],
  ['retrieve <key>', 'print the stored value (JSON)'],
  ['list_keys', 'every key, one per line, fetched page by page (aliases: list-keys, keys)'],
  ['delete <key>', 'delete a key (alias: del)'],
  ['help', "the server's command list"],
  ['<command> [data-json]', 'any other command, with its data object as JSON'],
];

/** Turns command-line words (`store name john`) into a request. */
export function requestFromWords(words: readonly string[]): CliRequest {
  const [first, ...args] = words;
  if (first === undefined) throw new UsageError('no command given');
  const command = ALIASES[first] ?? first;
  switch (command) {
    case 'ping':
    case 'time':
    case 'help':
    case 'list_keys':
      expectArgs(command, args, 0, 0, '');
      return { command, data: {} };
    case 'echo':
      expectArgs(command, args, 1, Number.POSITIVE_INFINITY, '<message...>');
      return { command, data: { message: args.join(' ') } };
    case 'calculate': {
      expectArgs(command, args, 3, 3, '<operation> <a> <b>');
      const [operation, a, b] = args as [string, string, string];
      return { command, data: { operation, a: parseNumber(a), b: parseNumber(b) } };
    }
    case 'store':
      expectArgs(command, args, 2, Number.POSITIVE_INFINITY, '<key> <value...>');
      return { command, data: { key: args[0], value: parseValue(args.slice(1).join(' ')) } };
    case 'retrieve':
    case 'delete':
      expectArgs(command, args, 1, 1, '<key>');
      return { command, data: { key: args[0] } };
    default: {
      expectArgs(command, args, 0, 1, '[data-json]');
      if (args[0] === undefined) return { command, data: {} };
      const data = parseValue(args[0]);
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        throw new UsageError(`data for '${command}' must be a JSON object`);
      }
      return { command, data: data as Record<string, unknown> };
    }
  }
}
