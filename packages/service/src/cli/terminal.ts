import { clearScreenDown, cursorTo, type Interface, moveCursor } from 'node:readline';

/**
 * Prints a line for an interactive client. On a terminal it goes above the prompt: the input block
 * (which may wrap over several rows) is erased, the text printed, and the prompt redrawn with what
 * the user has typed so far and the cursor where it was. Elsewhere it is a plain line.
 */
export function printAbovePrompt(
  rl: Interface,
  output: NodeJS.WritableStream,
  terminal: boolean,
  text: string,
): void {
  if (!terminal) {
    output.write(`${text}\n`);
    return;
  }
  const { rows } = rl.getCursorPos();
  if (rows > 0) moveCursor(output, 0, -rows);
  cursorTo(output, 0);
  clearScreenDown(output);
  // readline's redraw first moves up as many rows as the cursor was below the prompt's first row;
  // the blank lines give it room to do so without climbing into the text just printed.
  output.write(`${text}\n${'\n'.repeat(rows)}`);
  rl.prompt(true);
}
