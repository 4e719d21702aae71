import { describe, expect, it } from 'vitest';
import { runInteractiveClient } from '../src/cli/interactive.js';
import { neutralize } from '../src/cli/sanitize.js';
import { RawClient, startServer, waitFor } from './helpers.js';
import { terminalIo } from './terminal-io.js';

/** Runs the interactive client as `username` against `port`, on in-memory streams. */
function runOnStreams(port: number, username: string, terminal: boolean, columns?: number) {
  const io = terminalIo();
  if (columns !== undefined) Object.assign(io.output, { columns }); // readline wraps input here
  const done = runInteractiveClient({
    username,
    input: io.input,
    output: io.output,
    terminal,
    client: { port },
  });
  return { io, done };
}

/** A server with one joined raw client (`peerName`) and the interactive client running as `username`. */
async function withPeer(peerName: string, username: string, terminal: boolean, columns?: number) {
  const { port } = await startServer();
  const peer = await RawClient.connect(port);
  await peer.join(peerName);
  return { peer, ...runOnStreams(port, username, terminal, columns) };
}

describe('neutralize', () => {
  it('makes controls, ANSI escapes and bidi overrides visible, keeps ordinary text', () => {
    expect(neutralize('hi\u001b[2J\u0007\nthere')).toBe('hi␛[2J␇␊there');
    expect(neutralize('a\u009bb\u202Ec\u2066d\u007f')).toBe('a<U+009B>b<U+202E>c<U+2066>d␡');
    expect(neutralize('x\ud800y')).toBe('x\ufffdy');
    expect(neutralize('Zoë 👨‍👩‍👧 e\u0301 😀')).toBe('Zoë 👨‍👩‍👧 e\u0301 😀');
  });
});

describe('interactive client (driven through its input/output streams)', () => {
  it('joins, sends plain lines, runs /users, /help, /leave and /quit', async () => {
    const { peer, io, done } = await withPeer('Peer', 'Alice', false);
    await waitFor(() => io.text().includes('joined as Alice; online: Peer, Alice'), 'join line');
    io.input.write('Hello from the terminal\n');
    await waitFor(() => peer.messages.some((m) => m.type === 'chat'), 'chat at peer');
    expect(peer.messages.find((m) => m.type === 'chat')).toEqual({
      type: 'chat',
      message: 'Hello from the terminal',
      username: 'Alice',
    });
    io.input.write('//slash at the start\n');
    await waitFor(() => peer.messages.some((m) => m.message === '/slash at the start'), 'escaped slash line');
    io.input.write('/users\n');
    await waitFor(() => io.text().includes('* online (2): Peer, Alice'), '/users output');
    io.input.write('/help\n');
    await waitFor(() => io.text().includes('/quit          leave and exit'), '/help output');
    io.input.write('/bogus\n');
    await waitFor(() => io.text().includes('! unknown command /bogus'), 'unknown command');
    io.input.write('/leave\n');
    await waitFor(() => peer.messages.some((m) => m.message === 'Alice has left the chat!'), 'leave at peer');
    io.input.write('not joined now\n');
    await waitFor(() => io.text().includes('(NOT_JOINED)'), 'error shown');
    io.input.write('/join\n');
    await waitFor(
      () => peer.messages.filter((m) => m.message === 'Alice has joined the chat!').length === 2,
      'rejoin',
    );
    io.input.write('/quit\n');
    expect(await done).toBe(0);
    await waitFor(
      () => peer.messages.filter((m) => m.message === 'Alice has left the chat!').length === 2,
      'quit',
    );
  });

  it('prints incoming messages above the prompt without mangling the half-typed line, neutralised', async () => {
    const { peer, io, done } = await withPeer('Mallory', 'Alice', true);
    await waitFor(() => io.text().includes('Alice #general> '), 'prompt');
    io.input.write('half-typ'); // no newline yet: the user is mid-line
    await waitFor(() => io.text().endsWith('half-typ'), 'echo of typed text');
    const before = io.text().length;
    peer.send({
      method: 'send_message',
      params: { message: 'evil\u001b[2J\u001b]0;pwned\u0007 \u202Etxt.exe' },
    });
    await waitFor(() => io.text().slice(before).includes('Alice #general> half-typ'), 'prompt redrawn');
    const shown = io.text().slice(before);
    // Clear from the start of the input line down, print the message, then redraw prompt + input.
    expect(shown).toContain('\u001b[1G\u001b[0J#general [Mallory] evil␛[2J␛]0;pwned␇ <U+202E>txt.exe\n');
    expect(shown.indexOf('[Mallory]')).toBeLessThan(shown.lastIndexOf('Alice #general> half-typ'));
    // No raw escape from the message reached the terminal.
    expect(shown).not.toContain('\u001b[2J');
    expect(shown).not.toContain('\u202E');
    // The user finishes the line: what they typed before the interruption is intact.
    io.input.write('ed line\r');
    await waitFor(() => peer.messages.some((m) => m.type === 'chat'), 'message at peer');
    expect(peer.messages.find((m) => m.type === 'chat')).toMatchObject({
      message: 'half-typed line',
      username: 'Alice',
    });
    io.input.end(); // Ctrl-D
    expect(await done).toBe(0);
  });

  it('clears every row of a wrapped input line before printing, then redraws it', async () => {
    const { peer, io, done } = await withPeer('Peer', 'Al', true, 20);
    await waitFor(() => io.text().includes('Al #general> '), 'prompt');
    const typed = 'a fairly long line that wraps twice'; // "Al #general> " + 35 chars = 48 cols: cursor on row 2
    io.input.write(typed);
    await waitFor(() => io.text().includes('that wraps twice'), 'echo');
    const before = io.text().length;
    peer.send({ method: 'send_message', params: { message: 'ping' } });
    await waitFor(() => io.text().slice(before).includes('twice'), 'redraw');
    const shown = io.text().slice(before);
    // Up two rows to the prompt's first row, column 1, clear down; message; two spare lines; redraw.
    expect(shown.startsWith('\u001b[2A\u001b[1G\u001b[0J#general [Peer] ping\n\n\n')).toBe(true);
    io.input.write('!\r');
    await waitFor(() => peer.messages.some((m) => m.type === 'chat'), 'message at peer');
    expect(peer.messages.find((m) => m.type === 'chat')).toMatchObject({ message: `${typed}!` });
    io.input.end();
    expect(await done).toBe(0);
  });

  it('shows the shutdown notice and exits 1 when the server goes away', async () => {
    const { port, server } = await startServer();
    const { io, done } = runOnStreams(port, 'Alice', false);
    await waitFor(() => io.text().includes('joined as Alice'), 'join line');
    await server.close();
    expect(await done).toBe(1);
    expect(io.text()).toContain('* Server is shutting down\n* disconnected from the server\n');
  });

  it('exits 1 with a message when the server is unreachable', async () => {
    const { port, server } = await startServer();
    await server.close();
    const { io, done } = runOnStreams(port, 'Alice', false);
    expect(await done).toBe(1);
    expect(io.text()).toContain('(CONNECT_FAILED)');
  });
});
