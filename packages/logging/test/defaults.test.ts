import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runTracked } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { createLogger, flushLogger } from '../src/index.js';

const source = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** Runs a child whose logger has no options but `service`, stdout piped (not a TTY); returns stdout. */
async function childStdout(env: Record<string, string>): Promise<string> {
  const script = `
    const { createLogger, flushLogger } = await import(${JSON.stringify(source)});
    const log = createLogger({ service: 'child' });
    log.info({ token: 'abc' }, 'info line');
    log.warn('warn line');
    await flushLogger(log);
  `;
  const { PATH, HOME } = process.env;
  const child = await runTracked(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { PATH, HOME, ...env },
    label: 'a child that logs with the defaults',
  });
  expect(child.code, child.stderr).toBe(0);
  return child.stdout;
}

/** A writable that says it is a terminal, as process.stdout does on a TTY. */
function fakeTty(): { stream: PassThrough; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: true });
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('defaults from the environment', () => {
  it('writes JSON lines to stdout by default, at info, with secrets redacted', async () => {
    const lines = (await childStdout({}))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toMatchObject([
      { level: 'info', service: 'child', msg: 'info line', token: '[redacted]' },
      { level: 'warn', msg: 'warn line' },
    ]);
  });

  it('LOG_LEVEL and LOG_PRETTY=1 from process.env: pretty text, below-level lines dropped', async () => {
    const text = await childStdout({ LOG_LEVEL: 'warn', LOG_PRETTY: '1' });
    expect(text).toContain('warn line');
    expect(text).not.toContain('info line');
    expect(() => JSON.parse(text.split('\n')[0] ?? '')).toThrow();
  });

  it('is pretty when the destination is a TTY, unless pretty: false', async () => {
    const tty = fakeTty();
    const log = createLogger({ service: 's', destination: tty.stream, env: {} });
    log.info('on a terminal');
    await flushLogger(log);
    expect(tty.text()).toContain('on a terminal');
    expect(() => JSON.parse(tty.text().split('\n')[0] ?? '')).toThrow();

    const forced = fakeTty();
    const json = createLogger({ service: 's', destination: forced.stream, pretty: false, env: {} });
    json.info('json anyway');
    await flushLogger(json);
    expect(JSON.parse(forced.text().split('\n')[0] ?? '')).toMatchObject({ msg: 'json anyway' });
  });

  it('redacts nested secrets and extra paths given in redact', () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const log = createLogger({ service: 's', destination: out, pretty: false, redact: ['apiKey'], env: {} });
    log.info({ user: { name: 'u', password: 'p' }, apiKey: 'k' }, 'login');
    const line = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    expect(line).toMatchObject({ user: { name: 'u', password: '[redacted]' }, apiKey: '[redacted]' });
  });
});
