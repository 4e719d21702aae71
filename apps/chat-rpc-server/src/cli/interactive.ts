import { createInterface } from 'node:readline';
import { printAbovePrompt } from '@sockworks/service/cli';
import { ChatClient } from '../client/client.js';
import type { ChatClientOptions, JoinResult, PresenceEvent } from '../client/types.js';
import {
  errorText,
  formatChat,
  GENERAL_ROOM,
  HELP_TEXT,
  roomTag,
  runCommand,
  type TerminalSession,
} from './commands.js';
import { neutralize } from './sanitize.js';

export { HELP_TEXT };

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

/** `* Bob is away: lunch` */
function presenceLine(e: PresenceEvent): string {
  const who = neutralize(e.username);
  const note = e.text ? `: ${neutralize(e.text)}` : '';
  return e.status === 'online' ? `* ${who} is back${note}` : `* ${who} is ${e.status}${note}`;
}

/** What a reconnect did, in one line. */
function reconnectLine(join: JoinResult | undefined): string {
  if (!join) return '* reconnected';
  const how = join.resumed ? 'session resumed' : 'new session';
  const rooms = join.rooms ?? [];
  const where = rooms.length ? `; rooms: ${rooms.map(roomTag).join(', ')}` : '';
  // The server's history no longer reached back to the last message we had.
  const gap = join.recovered === false ? '; some messages were lost, /history shows what is stored' : '';
  return `* reconnected as ${neutralize(join.username)} (${how}${where}${gap})`;
}

/**
 * The interactive terminal client: joins as `username`, prints incoming messages above the input
 * line (clear line, print, redraw prompt and what the user has typed so far) and sends typed lines
 * to the current room. Resolves with the exit code when the user quits, input ends, or the server
 * goes away (without --reconnect; with it, the session is resumed and missed messages printed).
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

  let room = GENERAL_ROOM;
  const updatePrompt = () =>
    rl.setPrompt(client.username === undefined ? '> ' : `${client.username} ${roomTag(room)}> `);
  const setRoom = (next: string) => {
    room = next;
    updatePrompt();
  };

  client.on('chat', (e) => print(formatChat(e)));
  client.on('private', (e) =>
    print(`[${neutralize(e.from)} -> ${neutralize(e.to)}] ${neutralize(e.message)}`),
  );
  client.on('system', (e) => print(`* ${neutralize(e.message)}`));
  client.on('presence', (e) => print(presenceLine(e)));
  client.on('reconnecting', (e) =>
    print(`* connection lost, reconnecting in ${e.delayMs} ms (attempt ${e.attempt})`),
  );
  client.on('reconnected', (e) => {
    // The current room may be gone if the session could not be resumed and re-entering it failed.
    if (!client.rooms.some((r) => r.toLowerCase() === room.toLowerCase())) room = GENERAL_ROOM;
    updatePrompt();
    print(reconnectLine(e.join));
  });
  client.on('error', (err) => print(`! ${errorText(err)}`));

  const join = async (name: string) => {
    try {
      const result = await client.join(name);
      setRoom(GENERAL_ROOM);
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
    const session: TerminalSession = {
      client,
      username: options.username,
      get room() {
        return room;
      },
      setRoom,
      print,
      join,
      async quit(code) {
        if (client.username !== undefined) await client.leave().catch(() => {});
        await finish(code);
      },
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
      if (line.startsWith('/') && !line.startsWith('//')) return runCommand(session, line);
      const message = line.startsWith('//') ? line.slice(1) : line;
      try {
        await client.sendMessage(message, room);
      } catch (err) {
        print(`! ${errorText(err)}`);
      }
    };

    void join(options.username).then(() => {
      if (!done) rl.prompt();
    });
  });
}
