import { describe, expect, it } from 'vitest';
import { HELP_TEXT, splitRecipient } from '../src/cli/commands.js';
import { runInteractiveClient } from '../src/cli/interactive.js';
import type { ChatClientOptions } from '../src/client/types.js';
import { startCutProxy } from './cut-proxy.js';
import { RawClient, startServer, waitFor } from './helpers.js';
import { terminalIo } from './terminal-io.js';

// The terminal client's protocol-2 commands, driven through its input/output streams against the
// real server, with a raw protocol-2 peer on the other side.

/** Runs the interactive client as `username` on in-memory streams. */
function terminal(username: string, client: ChatClientOptions, tty = false) {
  const { input, output, text } = terminalIo();
  const done = runInteractiveClient({ username, input, output, terminal: tty, client });
  const type = (line: string) => input.write(`${line}\n`);
  /** Waits until the output (from `from` on) contains `wanted`. */
  const shows = (wanted: string, from = 0) =>
    waitFor(() => text().slice(from).includes(wanted), `terminal output ${JSON.stringify(wanted)}`);
  return { input, type, shows, text, done };
}

/** A raw protocol-2 peer joined as `name` (welcome consumed). */
async function peer(port: number, name: string): Promise<RawClient> {
  const p = await RawClient.connect(port);
  const reply = await p.call({ method: 'join_chat', params: { username: name, protocol: 2 } });
  expect(reply).toMatchObject({ status: 'success' });
  expect(await p.next()).toMatchObject({ type: 'system', message: `Welcome to the chat, ${name}!` });
  return p;
}

const chatsOf = (p: RawClient) => p.messages.filter((m) => m.type === 'chat');

describe('splitRecipient', () => {
  it('takes the first word, or a quoted name with spaces', () => {
    expect(splitRecipient('Bob hi there')).toEqual(['Bob', 'hi there']);
    expect(splitRecipient('"John Smith"  hi')).toEqual(['John Smith', 'hi']);
    expect(splitRecipient('Bob')).toEqual(['Bob', '']);
  });
});

describe('interactive client, rooms and the other protocol-2 commands', () => {
  it('/join #room, messages tagged with their room, /rooms, /history, /part; the room in the prompt', async () => {
    const { port } = await startServer({ rateBurst: 100 });
    const bob = await peer(port, 'Bob');
    const t = terminal('Alice', { port }, true);
    await t.shows('Alice #general> ');
    t.type('/join #dev');
    await t.shows('* joined #dev; members: Alice');
    await t.shows('Alice #dev> ');
    expect(await bob.call({ method: 'join_room', params: { room: 'dev' } })).toMatchObject({
      status: 'success',
    });
    await t.shows('* Bob has joined dev');

    // A typed line goes to the current room.
    t.type('hello dev');
    await waitFor(() => chatsOf(bob).length === 1, 'room message at Bob');
    expect(chatsOf(bob)[0]).toMatchObject({ room: 'dev', username: 'Alice', message: 'hello dev' });

    // Incoming messages carry their room, whichever room is current; untrusted text is neutralised.
    bob.send({ method: 'send_message', params: { room: 'dev', message: 'evil\u001b[2J \u202Etxt' } });
    bob.send({ method: 'send_message', params: { message: 'in general' } });
    await t.shows('#dev [Bob] evil␛[2J <U+202E>txt');
    await t.shows('#general [Bob] in general');
    expect(t.text()).not.toContain('\u001b[2J');

    t.type('/rooms');
    await t.shows('* rooms (2): #general (2)*, #dev (2)*');
    const before = t.text().length;
    t.type('/history 2');
    await t.shows('* 2 earlier messages in #dev:', before);
    await t.shows('#dev [Alice] hello dev', before);
    await t.shows('#dev [Bob] evil␛[2J <U+202E>txt', before);
    t.type('/history 0');
    await t.shows('! usage: /history [n], n from 1 to 200');

    // /join of a room one is in switches to it; the # is optional.
    t.type('/join');
    await t.shows('! usage: /join #room');
    t.type('/join general');
    await t.shows('* now talking in #general');
    await t.shows('Alice #general> ');
    t.type('/join #dev');
    await t.shows('* now talking in #dev');
    t.type('/part');
    await t.shows('* left #dev');
    await t.shows('Alice #general> ', t.text().lastIndexOf('* left #dev'));
    await waitFor(() => bob.messages.some((m) => m.message === 'Alice has left dev'), 'leave notice at Bob');
    t.type('/part #general');
    await t.shows('(INVALID_ROOM)');
    t.type('/quit');
    expect(await t.done).toBe(0);
  });

  it('/msg, /away, /back, /users; private and presence messages printed, neutralised', async () => {
    const { port } = await startServer();
    const bob = await peer(port, 'Bob');
    const t = terminal('Alice', { port });
    await t.shows('* joined as Alice');
    t.type('/msg bob psst');
    await t.shows('[Alice -> Bob] psst');
    await waitFor(() => bob.messages.some((m) => m.type === 'private'), 'private message at Bob');
    expect(bob.messages.find((m) => m.type === 'private')).toMatchObject({
      from: 'Alice',
      to: 'Bob',
      message: 'psst',
    });
    t.type('/msg nobody hello');
    await t.shows('(USER_NOT_FOUND)');
    t.type('/msg bob');
    await t.shows('! usage: /msg user text');

    bob.send({ method: 'send_private', params: { to: 'Alice', message: 'back\u001b]0;pwned\u0007' } });
    await t.shows('[Bob -> Alice] back␛]0;pwned␇');
    bob.send({ method: 'set_status', params: { status: 'busy', text: 'in a\u001b[31m meeting' } });
    await t.shows('* Bob is busy: in a␛[31m meeting');

    t.type('/away lunch');
    await t.shows('* you are away: lunch');
    await waitFor(
      () => bob.messages.some((m) => m.type === 'presence' && m.status === 'away'),
      'presence at Bob',
    );
    expect(bob.messages.find((m) => m.type === 'presence')).toEqual({
      type: 'presence',
      username: 'Alice',
      status: 'away',
      text: 'lunch',
    });
    t.type('/back');
    await t.shows('* you are back');
    await waitFor(
      () => bob.messages.some((m) => m.type === 'presence' && m.status === 'online'),
      'back at Bob',
    );
    t.type('/users');
    await t.shows('* online (2): Bob, Alice');
    t.type('/help');
    await t.shows(HELP_TEXT);
    for (const command of [
      '/join #room',
      '/part [#room]',
      '/rooms',
      '/msg user text',
      '/history [n]',
      '/away [text]',
      '/back',
    ])
      expect(HELP_TEXT).toContain(`  ${command}`);
    t.input.end();
    expect(await t.done).toBe(0);
  });

  it('resumes after a dropped connection: messages sent meanwhile printed once, in order', async () => {
    const { port } = await startServer();
    const proxy = await startCutProxy(port);
    const bob = await peer(port, 'Bob');
    const t = terminal('Alice', { port: proxy.port, reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
    await t.shows('* joined as Alice');
    t.type('/join #dev');
    await t.shows('* joined #dev');
    expect(await bob.call({ method: 'join_room', params: { room: 'dev' } })).toMatchObject({
      status: 'success',
    });
    await bob.call({ method: 'send_message', params: { room: 'dev', message: 'one' } });
    await t.shows('#dev [Bob] one');

    proxy.cut();
    await t.shows('* connection lost, reconnecting');
    await waitFor(
      () => bob.messages.some((m) => m.message === 'Alice has left the chat!'),
      'drop seen by the server',
    );
    // Stored before Alice is back: the replies came.
    expect(await bob.call({ method: 'send_message', params: { room: 'dev', message: 'two' } })).toMatchObject(
      { status: 'success' },
    );
    expect(await bob.call({ method: 'send_message', params: { message: 'three' } })).toMatchObject({
      status: 'success',
    });
    proxy.restore();
    await t.shows('* reconnected as Alice (session resumed; rooms: #general, #dev)');
    await t.shows('#general [Bob] three');
    await bob.call({ method: 'send_message', params: { room: 'dev', message: 'four' } });
    await t.shows('#dev [Bob] four');
    const lines = t
      .text()
      .split('\n')
      .filter((l) => l.includes('[Bob]'));
    expect(lines).toEqual(['#dev [Bob] one', '#dev [Bob] two', '#general [Bob] three', '#dev [Bob] four']);
    // The current room survived the reconnect.
    t.type('still here');
    await waitFor(() => chatsOf(bob).some((m) => m.message === 'still here'), 'message after resume');
    expect(chatsOf(bob).find((m) => m.message === 'still here')).toMatchObject({ room: 'dev' });
    t.input.end();
    expect(await t.done).toBe(0);
  });

  it('says so when the server no longer had every missed message', async () => {
    // Two messages of history per room: of three missed ones, the first is gone.
    const { port } = await startServer({ historySize: 2 });
    const proxy = await startCutProxy(port);
    const bob = await peer(port, 'Bob');
    const t = terminal('Alice', { port: proxy.port, reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
    await t.shows('* joined as Alice');
    await bob.call({ method: 'send_message', params: { message: 'seen' } });
    await t.shows('#general [Bob] seen');
    proxy.cut();
    await waitFor(
      () => bob.messages.some((m) => m.message === 'Alice has left the chat!'),
      'drop seen by the server',
    );
    for (const message of ['lost', 'kept 1', 'kept 2'])
      expect(await bob.call({ method: 'send_message', params: { message } })).toMatchObject({
        status: 'success',
      });
    proxy.restore();
    await t.shows(
      '* reconnected as Alice (session resumed; rooms: #general; some messages were lost, /history shows what is stored)',
    );
    await t.shows('#general [Bob] kept 2');
    expect(t.text()).not.toContain('[Bob] lost');
    expect(t.text()).toContain('#general [Bob] kept 1\n');
    t.input.end();
    expect(await t.done).toBe(0);
  });
});
