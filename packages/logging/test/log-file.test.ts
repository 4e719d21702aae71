import { once } from 'node:events';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { tempDir, waitFor } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { createLogger, flushLogger, type Logger, openLogFile } from '../src/index.js';

/** A logger writing only to `file` (the console copy goes to a drained PassThrough). */
function fileLogger(file: Awaited<ReturnType<typeof openLogFile>> | string): Logger {
  return createLogger({
    service: 's',
    destination: new PassThrough().resume(),
    pretty: false,
    file,
    env: {},
  });
}

/** The `i` fields of every JSON line in `files`, in file order. */
function indexes(dir: string, files: string[]): number[] {
  return files.flatMap((name) =>
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { i: number }).i),
  );
}

/** Rolled files of `base` (`server.3.log`), oldest first. */
function rolled(dir: string, base = 'server'): string[] {
  const number = (name: string): number => Number(name.split('.').at(-2));
  return readdirSync(dir)
    .filter((name) => new RegExp(`^${base}\\.\\d+\\.log$`).test(name))
    .sort((a, b) => number(a) - number(b));
}

describe('openLogFile without rotation', () => {
  it('appends to the path itself, creating its directory, with mode 0640 (no access for others)', async () => {
    const dir = tempDir();
    const path = join(dir, 'a', 'b', 'server.log');
    writeFileSync(join(dir, 'keep.txt'), '');
    const log = fileLogger(await openLogFile(path));
    log.info('first');
    await flushLogger(log);
    expect(readFileSync(path, 'utf8')).toContain('"msg":"first"');
    const mode = statSync(path).mode & 0o777;
    expect(mode & 0o007).toBe(0);
    expect(mode & 0o600).toBe(0o600);
    // A second logger on the same file appends.
    const again = fileLogger(await openLogFile(path));
    again.info('second');
    await flushLogger(again);
    expect(readFileSync(path, 'utf8')).toMatch(/"msg":"first"[\s\S]*"msg":"second"/);
  });

  it('createLogger({ file: path }) gives the same file, mode included', async () => {
    const path = join(tempDir(), 'logs', 'x.log');
    const log = fileLogger(path);
    log.info('hello');
    await flushLogger(log);
    expect(readFileSync(path, 'utf8')).toContain('"msg":"hello"');
    expect(statSync(path).mode & 0o007).toBe(0);
  });

  it('a path that cannot be created is one error naming it, at start-up', async () => {
    const dir = tempDir();
    // A regular file where a directory should be: fails for root too (unlike a chmod).
    writeFileSync(join(dir, 'file'), '');
    const path = join(dir, 'file', 'server.log');
    await expect(openLogFile(path)).rejects.toThrow(`cannot create the directory of log file ${path}`);
    await expect(openLogFile(path, { maxBytes: 1024 })).rejects.toThrow(path);
    expect(() => fileLogger(path)).toThrow(path);
    await expect(openLogFile(dir)).rejects.toThrow(`cannot open log file ${dir}: EISDIR`);
  });

  it('rejects bad options with a message naming the option', async () => {
    const path = join(tempDir(), 'x.log');
    await expect(openLogFile(path, { maxBytes: -1 })).rejects.toThrow(/maxBytes/);
    await expect(openLogFile(path, { keep: 0 })).rejects.toThrow(/keep/);
    // @ts-expect-error: not a frequency
    await expect(openLogFile(path, { frequency: 'weekly' })).rejects.toThrow(/frequency/);
  });
});

describe('openLogFile with rotation (pino-roll)', () => {
  it('rolls over by size, keeps at most `keep` rolled files besides the active one, loses no line', async () => {
    const dir = tempDir();
    const keep = 3;
    const log = fileLogger(await openLogFile(join(dir, 'server.log'), { maxBytes: 2048, keep }));
    // Each line is ~290 bytes, so 2 KiB holds about 7; flushing between batches lets pino-roll roll.
    for (let batch = 0; batch < 12; batch++) {
      for (let j = 0; j < 10; j++) log.info({ i: batch * 10 + j, pad: 'x'.repeat(40) }, 'line');
      await flushLogger(log);
    }
    // Deleting the oldest files runs after each roll, asynchronously.
    const files = await waitFor(
      () => {
        const found = rolled(dir);
        return found.length <= keep + 1 ? found : undefined;
      },
      { what: `at most ${keep + 1} log files in ${dir}` },
    );
    expect(readdirSync(dir).filter((name) => !rolled(dir).includes(name))).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(keep);
    // The newest files hold the newest lines, contiguous and in order up to the last one.
    const got = indexes(dir, files);
    expect(got.at(-1)).toBe(119);
    expect(got).toEqual(Array.from({ length: got.length }, (_, k) => 120 - got.length + k));
    // A file grows past the limit by at most the batch that crossed it.
    for (const name of files.slice(0, -1)) expect(statSync(join(dir, name)).size).toBeLessThan(2048 + 2000);
  });

  it('a restart continues the newest file, and the bound holds across restarts', async () => {
    const dir = tempDir();
    const path = join(dir, 'server.log');
    for (let run = 0; run < 3; run++) {
      const stream = await openLogFile(path, { maxBytes: 1024, keep: 2 });
      const log = fileLogger(stream);
      for (let batch = 0; batch < 4; batch++) {
        for (let j = 0; j < 10; j++) log.info({ i: run * 40 + batch * 10 + j }, 'line');
        await flushLogger(log);
      }
      const closed = once(stream as unknown as NodeJS.EventEmitter, 'close');
      (stream as unknown as { end(): void }).end();
      await closed;
    }
    const files = await waitFor(() => (rolled(dir).length <= 3 ? rolled(dir) : undefined), {
      what: 'at most 3 log files',
    });
    expect(indexes(dir, files).at(-1)).toBe(119);
  });

  it('daily: the date is in the file name', async () => {
    const dir = tempDir();
    const day = (): string => {
      const now = new Date();
      return [now.getFullYear(), now.getMonth() + 1, now.getDate()]
        .map((n) => String(n).padStart(2, '0'))
        .join('-');
    };
    // Midnight may pass while the file opens: either day is right.
    const days = [day()];
    const log = fileLogger(await openLogFile(join(dir, 'server.log'), { frequency: 'daily' }));
    days.push(day());
    log.info('today');
    await flushLogger(log);
    const names = readdirSync(dir);
    expect(names).toHaveLength(1);
    expect(days.map((d) => `server.${d}.1.log`)).toContain(names[0]);
    expect(readFileSync(join(dir, names[0] ?? ''), 'utf8')).toContain('"msg":"today"');
  });
});
