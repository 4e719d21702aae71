import { PassThrough } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PROMPT, runInteractive } from '../src/cli/interactive.js';
import { TcpClient } from '../src/client/client.js';
import { startServer, waitFor } from './helpers.js';

/** Runs the interactive mode on in-memory streams; `terminal` as a TTY would set it. */
async function interactive(terminal: boolean) {
  const { port } = await startServer();
  const client = new TcpClient({ host: '127.0.0.1', port });
  await client.connect();
  onTestFinished(() => client.disconnect());
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => {
    text += d.toString('utf8');
  });
  const done = runInteractive(client, input, output, terminal);
  return { input, done, text: () => text };
}

/** The text with terminal control sequences (cursor moves, erases) removed. */
function screen(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').replace(/\r\n/g, '\n');
}

describe('tcp-client interactive', () => {
  it('on a terminal shows a prompt at start and again after each reply', async () => {
    const run = await interactive(true);
    await waitFor(() => run.text().includes(PROMPT), 10_000, 'the first prompt');
    run.input.write('/echo hi\n');
    await waitFor(() => /"hi"/.test(screen(run.text())), 10_000, 'the echo reply');
    // The reply is printed above a redrawn prompt: one prompt line per state, none doubled.
    expect(
      screen(run.text())
        .split('\n')
        .filter((l) => l === PROMPT),
    ).toHaveLength(1);
    expect(screen(run.text()).endsWith(PROMPT)).toBe(true);
    run.input.write('/exit\n');
    await run.done;
  });

  it('without a terminal prints no prompt (output stays plain for pipes and scripts)', async () => {
    const run = await interactive(false);
    run.input.write('/echo hi\n');
    await waitFor(() => run.text().includes('"hi"'), 10_000, 'the echo reply');
    run.input.end('/exit\n');
    await run.done;
    expect(run.text()).not.toContain(PROMPT);
  });
});
