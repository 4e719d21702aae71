import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionLogger, createLogger, flushLogger, type Logger } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sw-log-'));
  dirs.push(dir);
  return join(dir, 'server.log');
}

/** The sonic-boom destinations behind a logger (the file copy among them). */
function destinations(log: Logger): Array<{ _writing?: boolean }> {
  const root = (log as unknown as Record<symbol, { streams?: Array<{ stream: { _writing?: boolean } }> }>)[
    pino.symbols.streamSym
  ];
  return root?.streams?.map((entry) => entry.stream) ?? [];
}

describe('flushLogger', () => {
  it('resolves only once no write to the file is in flight (process.exit right after loses nothing)', async () => {
    const file = tempFile();
    const out = new PassThrough().resume();
    const log = createLogger({ service: 's', destination: out, pretty: false, file, env: {} });
    log.info('stopped');
    // The line went to an asynchronous fs.write that completes on a later turn of the event loop.
    expect(destinations(log).some((d) => d._writing === true)).toBe(true);
    await flushLogger(log);
    expect(destinations(log).some((d) => d._writing === true)).toBe(false);
    expect(readFileSync(file, 'utf8')).toContain('"msg":"stopped"');
  });

  it('keeps lines in order and complete, through a child logger too', async () => {
    const file = tempFile();
    const out = new PassThrough().resume();
    const log = createLogger({ service: 's', destination: out, pretty: false, file, env: {} });
    const child = connectionLogger(log, { conn: 1 });
    for (let i = 0; i < 2000; i++) child.info({ i }, 'line');
    await flushLogger(child);
    const got = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { i: number }).i);
    expect(got).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });
});
