import { createInterface } from 'node:readline';
import { ProtocolError } from '@sockworks/error-codes';
import { printAbovePrompt } from '@sockworks/service/cli';
import { ChatClient } from '../client/client.js';
import type { ChatClientOptions } from '../client/types.js';
import { neutralize } from './sanitize.js';

/** Options of {@link runInteractiveClient}. */
export interface InteractiveOptions {
  username: string;
  /** Where the user types. @default process.stdin */
  input?: NodeJS.ReadableStream;
  /** Where output goes. @default process.stdout */
  output?: NodeJS.WritableStream;
  /** Line editing with prompt redraw. @default output.isTTY */
  terminal?: boolean;
  /** Passed to the ChatClient (host, port, reconnect...). */
  client?: ChatClientOptions;
}

export const HELP_TEXT = [
  'Commands:',
  '  /users         list who is online',
  '  /leave         leave the chat (stay connected)',
  '  /join [name]   join again (default: your --username)',
  '  /quit          leave and exit',
  '  /help          this help',
  'Anything else is sent as a message (start it with // to send a line beginning with /).',
].join('\n');

/**
 * The interactive terminal client: joins as `username`, prints incoming messages above the input
 * line (clear line, print, redraw prompt and what the user has typed so far) and sends typed lines.
 * Resolves with the exit code when the user quits, input ends, or the server goes away.
 */
export async function runInteractiveClient(options: InteractiveOptions): Promise<number> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const terminal = options.terminal ?? (output as NodeJS.WriteStream).isTTY === true;
  const client = new ChatClient(options.client);
  const rl = createInterface({ input, output, terminal, prompt: '> ' });
  let rlClosed = false;
  rl.once('close', () => {
    rlClosed = true;
  });
  // Once readline is closed there is no prompt to redraw.
  const print = (text: string) => printAbovePrompt(rl, output, terminal && !rlClosed, text);

  try {
    await client.connect();
  } catch (err) {
    rl.close();
    output.write(`! ${errorText(err)}\n`);
    return 1;
  }
  client.on('chat', (e) => print(`[${neutralize(e.username)}] ${neutralize(e.message)}`));
  client.on('system', (e) => print(`* ${neutralize(e.message)}`));
  client.on('reconnecting', (e) =>
    print(`* connection lost, reconnecting in ${e.delayMs} ms (attempt ${e.attempt})`),
  );
  client.on('reconnected', (e) =>
    print(e.join ? `* reconnected as ${neutralize(e.join.username)}` : '* reconnected'),
  );

  const join = async (name: string) => {
    try {
      const result = await client.join(name);
      rl.setPrompt(`${result.username}> `);
      print(`* joined as ${neutralize(result.username)}; online: ${result.users.map(neutralize).join(', ')}`);
    } catch (err) {
      print(`! ${errorText(err)}`);
    }
  };

  return new Promise<number>((resolve) => {
    let done = false;
    const finish = async (code: number) => {
      if (done) return;
      done = true;
      rl.close();
      await client.disconnect();
      resolve(code);
    };
    client.on('close', ({ willReconnect }) => {
      if (willReconnect || done) return;
      print('* disconnected from the server');
      void finish(1);
    });
    rl.on('close', () => void finish(0));
    rl.on('SIGINT', () => void finish(0));
    rl.on('line', (line) => {
      void handleLine(line).then(() => {
        if (!done) rl.prompt(true);
      });
    });

    const handleLine = async (raw: string): Promise<void> => {
      const line = raw.trim();
      if (line === '') return;
      if (line.startsWith('/') && !line.startsWith('//')) {
        const [command = '', ...rest] = line.split(/\s+/);
        const arg = rest.join(' ');
        switch (command) {
          case '/help':
            print(HELP_TEXT);
            return;
          case '/users':
            try {
              const users = await client.getUsers();
              print(`* online (${users.length}): ${users.map(neutralize).join(', ')}`);
            } catch (err) {
              print(`! ${errorText(err)}`);
            }
            return;
          case '/leave':
            try {
              await client.leave();
              rl.setPrompt('> ');
              print('* you left the chat (/join to come back, /quit to exit)');
            } catch (err) {
              print(`! ${errorText(err)}`);
            }
            return;
          case '/join':
            await join(arg || options.username);
            return;
          case '/quit':
            if (client.username !== undefined) await client.leave().catch(() => {});
            await finish(0);
            return;
          default:
            print(`! unknown command ${neutralize(command)} (type /help)`);
            return;
        }
      }
      const message = line.startsWith('//') ? line.slice(1) : line;
      try {
        await client.send(message);
      } catch (err) {
        print(`! ${errorText(err)}`);
      }
    };

    void join(options.username).then(() => {
      if (!done) rl.prompt();
    });
  });
}

/** Prints `text` on its own line above the prompt without disturbing the line being typed. */
function errorText(err: unknown): string {
  if (ProtocolError.is(err)) return `${neutralize(err.message)} (${String(err.code)})`;
  return err instanceof Error ? neutralize(err.message) : String(err);
}
