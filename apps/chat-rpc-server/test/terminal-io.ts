import { PassThrough } from 'node:stream';

/** In-memory streams for the interactive client: what is typed goes to `input`; `text()` is all it printed. */
export function terminalIo() {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.setEncoding('utf8');
  output.on('data', (chunk: string) => {
    text += chunk;
  });
  return { input, output, text: () => text };
}
