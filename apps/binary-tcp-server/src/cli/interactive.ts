/**
 * `tcp-client interactive`: one command per line. Commands run one after another (each waits for its
 * reply), so output stays in order; broadcasts from other clients print as they arrive.
 */
import { createInterface } from 'node:readline';
import { ProtocolError } from '@sockworks/error-codes';
import { printAbovePrompt } from '@sockworks/service/cli';
import type { TcpClient } from '../client/client.js';
import type { BroadcastFrame } from '../protocol/messages.js';

export const INTERACTIVE_HELP = `Commands:
  /ping                    ping the server (prints the round trip)
  /echo <message>          echo a message
  /broadcast <message>     send a message to every other client
  /stats                   server statistics
  /custom <type> [json]    send a message of any type (optional JSON object of extra fields)
  /help                    this help
  /exit                    leave
  anything else            sent as a plain-text "message"
`;

/** The prompt shown on a terminal. */
export const PROMPT = 'tcp> ';

/**
 * Reads commands from `input` until /exit or end of input. On a terminal (`terminal`, default: the
 * output is a TTY) it shows a prompt and prints broadcasts above it without breaking the typed line.
 */
export async function runInteractive(
  client: TcpClient,
  input: NodeJS.ReadableStream,
  out: NodeJS.WritableStream,
  terminal = (out as NodeJS.WriteStream).isTTY === true,
): Promise<void> {
  const rl = createInterface({ input, output: out, terminal, prompt: PROMPT });
  let rlClosed = false;
  rl.once('close', () => {
    rlClosed = true;
  });
  const print = (line: string): void => printAbovePrompt(rl, out, terminal && !rlClosed, line);
  const onBroadcast = (frame: BroadcastFrame): void => {
    print(`[broadcast from ${frame.from}] ${display(frame.content)}`);
  };
  const onDisconnect = (info: { willReconnect: boolean }): void => {
    print(info.willReconnect ? '* disconnected; reconnecting...' : '* disconnected');
  };
  const onReconnecting = (info: { attempt: number; delayMs: number }): void => {
    print(`* reconnect attempt ${info.attempt} in ${info.delayMs} ms`);
  };
  const onReconnect = (): void => print('* reconnected');
  client.on('broadcast', onBroadcast);
  client.on('disconnect', onDisconnect);
  client.on('reconnecting', onReconnecting);
  client.on('reconnect', onReconnect);

  out.write(`Connected to ${client.host}:${client.port}. Type /help for commands.\n`);
  if (terminal) rl.prompt();
  try {
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '/exit' || line === '/quit') break;
      // print() redraws the prompt on a terminal; a line with no output needs it drawn here.
      let text = '';
      if (line !== '') {
        try {
          text = await runCommand(client, line);
        } catch (err) {
          text = describeError(err);
        }
      }
      if (text !== '') print(text);
      else if (terminal) rl.prompt();
    }
  } finally {
    rl.close();
    client.off('broadcast', onBroadcast);
    client.off('disconnect', onDisconnect);
    client.off('reconnecting', onReconnecting);
    client.off('reconnect', onReconnect);
  }
}

/** Runs one input line; returns what to print. */
export async function runCommand(client: TcpClient, line: string): Promise<string> {
  if (!line.startsWith('/')) return json(await client.sendMessage(line));
  const space = line.indexOf(' ');
  const command = space === -1 ? line : line.slice(0, space);
  const arg = space === -1 ? '' : line.slice(space + 1).trim();
  switch (command) {
    case '/ping': {
      const ms = await client.ping();
      return `pong: ${ms.toFixed(3)} ms round trip`;
    }
    case '/echo':
      return json(await client.echo(arg));
    case '/broadcast': {
      const sent = await client.broadcast(arg);
      return `broadcast sent to ${sent.recipients} client(s)`;
    }
    case '/stats':
      return json(await client.getServerStats());
    case '/custom': {
      const [type = '', ...rest] = arg.split(/\s+/);
      if (type === '') return 'usage: /custom <type> [json object]';
      const fieldsText = rest.join(' ');
      let fields: Record<string, unknown> = {};
      if (fieldsText !== '') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(fieldsText);
        } catch {
          return 'usage: /custom <type> [json object] (the fields are not valid JSON)';
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          return 'usage: /custom <type> [json object] (the fields must be a JSON object)';
        }
        fields = parsed as Record<string, unknown>;
      }
      return json(await client.sendCustomMessage(type, fields));
    }
    case '/help':
      return INTERACTIVE_HELP.trimEnd();
    default:
      return `unknown command ${command}; type /help`;
  }
}

function describeError(err: unknown): string {
  if (ProtocolError.is(err)) return `error ${String(err.code)}: ${err.message}`;
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
