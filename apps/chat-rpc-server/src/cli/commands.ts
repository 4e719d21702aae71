import { ProtocolError } from '@sockworks/error-codes';
import type { ChatClient } from '../client/client.js';
import { neutralize } from './sanitize.js';

/** The room every joined user is in (the spec's single chat). */
export const GENERAL_ROOM = 'general';

/** Most messages `/history` asks for (the server's maximum). */
const MAX_HISTORY = 200;

/** What a command may use of the running terminal client. */
export interface TerminalSession {
  readonly client: ChatClient;
  /** The name given with --username. */
  readonly username: string;
  /** Where typed lines go. */
  readonly room: string;
  setRoom(room: string): void;
  /** Prints above the prompt (the text must already be neutralised). */
  print(text: string): void;
  /** Joins the chat as `name` and prints the outcome. */
  join(name: string): Promise<void>;
  /** Leaves and exits with `code`. */
  quit(code: number): Promise<void>;
}

interface Command {
  usage: string;
  help: string;
  run(session: TerminalSession, arg: string): Promise<void> | void;
}

/** `#dev` -> `dev`: the `#` is how rooms are written in the terminal, not part of the name. */
export function roomArg(arg: string): string {
  return arg.startsWith('#') ? arg.slice(1) : arg;
}

/** `#room` for printing. */
export function roomTag(room: string): string {
  return `#${neutralize(room)}`;
}

/** One line of a room message as the terminal prints it. */
export function formatChat(m: { room?: string; username: string; message: string }): string {
  const line = `[${neutralize(m.username)}] ${neutralize(m.message)}`;
  return m.room === undefined ? line : `${roomTag(m.room)} ${line}`;
}

/** An error as one line. */
export function errorText(err: unknown): string {
  if (ProtocolError.is(err)) return `${neutralize(err.message)} (${String(err.code)})`;
  return err instanceof Error ? neutralize(err.message) : String(err);
}

/** `"John Smith" hi` -> ['John Smith', 'hi']; `Bob hi there` -> ['Bob', 'hi there']. */
export function splitRecipient(arg: string): [string, string] {
  if (arg.startsWith('"')) {
    const end = arg.indexOf('"', 1);
    if (end > 0) return [arg.slice(1, end), arg.slice(end + 1).trim()];
  }
  const space = arg.search(/\s/);
  return space === -1 ? [arg, ''] : [arg.slice(0, space), arg.slice(space).trim()];
}

// A Map, not an object: a typed `/__proto__` must not find anything.
const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>(
  Object.entries({
    '/join': {
      usage: '/join #room',
      help: 'join a room and make it current (or switch to it); after /leave, /join [name] joins the chat',
      async run(s, arg) {
        // Not in the chat (after /leave): /join [name] joins it again, as before rooms existed.
        if (s.client.username === undefined) return s.join(arg || s.username);
        if (!arg) {
          s.print('! usage: /join #room');
          return;
        }
        const wanted = roomArg(arg);
        const known = s.client.rooms.find((r) => r.toLowerCase() === wanted.toLowerCase());
        if (known !== undefined) {
          s.setRoom(known);
          s.print(`* now talking in ${roomTag(known)}`);
          return;
        }
        const { room, users } = await s.client.joinRoom(wanted);
        s.setRoom(room);
        s.print(`* joined ${roomTag(room)}; members: ${users.map(neutralize).join(', ')}`);
      },
    },
    '/part': {
      usage: '/part [#room]',
      help: 'leave a room (default: the current one)',
      async run(s, arg) {
        const room = arg ? roomArg(arg) : s.room;
        await s.client.leaveRoom(room);
        s.print(`* left ${roomTag(room)}`);
        if (room.toLowerCase() === s.room.toLowerCase()) s.setRoom(GENERAL_ROOM);
      },
    },
    '/rooms': {
      usage: '/rooms',
      help: 'list the rooms and their member counts (* = you are in it)',
      async run(s) {
        const rooms = await s.client.listRooms();
        const list = rooms.map((r) => `${roomTag(r.room)} (${r.users})${r.joined ? '*' : ''}`);
        s.print(`* rooms (${rooms.length}): ${list.join(', ')}`);
      },
    },
    '/msg': {
      usage: '/msg user text',
      help: 'send a private message ("quotes" around a name with spaces)',
      async run(s, arg) {
        const [to, text] = splitRecipient(arg);
        if (!to || !text) {
          s.print('! usage: /msg user text');
          return;
        }
        const sent = await s.client.sendPrivate(to, text);
        s.print(
          `[${neutralize(s.client.username ?? s.username)} -> ${neutralize(sent.to)}] ${neutralize(text)}`,
        );
      },
    },
    '/history': {
      usage: '/history [n]',
      help: `show the current room's last n messages (default 20, at most ${MAX_HISTORY})`,
      async run(s, arg) {
        const limit = arg === '' ? 20 : Number(arg);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY) {
          s.print(`! usage: /history [n], n from 1 to ${MAX_HISTORY}`);
          return;
        }
        const { messages } = await s.client.getHistory(s.room, { limit });
        s.print(
          `* ${messages.length} earlier message${messages.length === 1 ? '' : 's'} in ${roomTag(s.room)}:`,
        );
        for (const m of messages) s.print(formatChat(m));
      },
    },
    '/away': {
      usage: '/away [text]',
      help: 'mark yourself away, with an optional note',
      async run(s, arg) {
        await s.client.setStatus('away', arg || undefined);
        s.print(`* you are away${arg ? `: ${neutralize(arg)}` : ''}`);
      },
    },
    '/back': {
      usage: '/back',
      help: 'mark yourself online again',
      async run(s) {
        await s.client.setStatus('online');
        s.print('* you are back');
      },
    },
    '/users': {
      usage: '/users',
      help: 'list who is online',
      async run(s) {
        const users = await s.client.getUsers();
        s.print(`* online (${users.length}): ${users.map(neutralize).join(', ')}`);
      },
    },
    '/leave': {
      usage: '/leave',
      help: 'leave the chat (stay connected)',
      async run(s) {
        await s.client.leave();
        s.setRoom(GENERAL_ROOM);
        s.print('* you left the chat (/join to come back, /quit to exit)');
      },
    },
    '/quit': {
      usage: '/quit',
      help: 'leave and exit',
      run: (s) => s.quit(0),
    },
    '/help': {
      usage: '/help',
      help: 'this help',
      run: (s) => s.print(HELP_TEXT),
    },
  } satisfies Record<string, Command>),
);

const USAGE_WIDTH = Math.max(...[...COMMANDS.values()].map((c) => c.usage.length));

/** What /help prints: every command of the table above. */
export const HELP_TEXT: string = [
  'Commands:',
  ...[...COMMANDS.values()].map((c) => `  ${c.usage.padEnd(USAGE_WIDTH)} ${c.help}`),
  'Anything else is sent to the current room (start it with // to send a line beginning with /).',
].join('\n');

/** Runs a line that starts with a command; prints errors instead of throwing. */
export async function runCommand(session: TerminalSession, line: string): Promise<void> {
  const space = line.search(/\s/);
  const name = space === -1 ? line : line.slice(0, space);
  const arg = space === -1 ? '' : line.slice(space).trim();
  const command = COMMANDS.get(name);
  if (!command) {
    session.print(`! unknown command ${neutralize(name)} (type /help)`);
    return;
  }
  try {
    await command.run(session, arg);
  } catch (err) {
    session.print(`! ${errorText(err)}`);
  }
}
