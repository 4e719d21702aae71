import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KvErrorCode } from '@sockworks/error-codes';
import { jsonLines, scaled } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { KvClient } from '../src/index.js';
import { ServerProcess, tempDir } from './helpers.js';

/** The YAML text without its `  # source` comments and comment lines: the values alone. */
const valuesOf = (yaml: string): string =>
  yaml
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .map((line) => line.replace(/ {2}# .*$/, ''))
    .join('\n');

// Child processes start through tsx: slow on a busy 2-core machine, so these get a generous timeout.
describe('kv-unix-server with a config file (process)', { timeout: scaled(120_000) }, () => {
  it('KV_CONFIG configures it; the log file rotates and keeps its last lines through SIGTERM', async () => {
    const dir = tempDir();
    const socket = join(dir, 's.sock');
    const logs = join(dir, 'logs');
    const config = join(dir, 'kv.yaml');
    writeFileSync(
      config,
      [
        `socket: ${socket}`,
        'max-keys: 5',
        'log-level: debug # every command is a log line',
        `log-file: ${join(logs, 'kv.log')}`,
        'log-file-size: 2KiB',
        'log-file-count: 2',
        '',
      ].join('\n'),
    );
    // An empty LOG_LEVEL counts as unset, so the file's level applies (the env var would win over it).
    const proc = ServerProcess.spawn([], { KV_CONFIG: config, LOG_LEVEL: '' });
    await proc.waitForLog('kv server started');
    const kv = await KvClient.connect(socket);
    for (let i = 0; i < 5; i++) await kv.store(`k${i}`, 'x'.repeat(100));
    // max-keys came from the file.
    await expect(kv.store('k5', 1)).rejects.toMatchObject({ code: KvErrorCode.STORAGE_FULL });
    for (let i = 0; i < 60; i++) await kv.ping();
    await kv.close();
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);

    const files = readdirSync(logs).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
    expect(files.every((name) => /^kv\.\d+\.log$/.test(name))).toBe(true);
    // Rolled over (the first file is gone) and at most 2 old files besides the active one.
    expect(files).not.toContain('kv.1.log');
    expect(files.length).toBeLessThanOrEqual(3);
    // Mode 0640 (the umask may take more away): nothing for others, never more than group read.
    for (const name of files) expect(statSync(join(logs, name)).mode & 0o137).toBe(0);
    // The last lines, written while the process was exiting, reached the files: the last line of all
    // is 'stopped'. (It may sit in the next-to-newest file: when that line fills a file, pino-roll
    // opens the next one, empty, before the process exits.)
    const lines = files.flatMap((name) => jsonLines(readFileSync(join(logs, name), 'utf8')));
    expect(lines.at(-1)?.msg).toBe('stopped');
  });

  it('--print-config: flag > env > file > default, exit 0 without starting; its output reads back', async () => {
    const dir = tempDir();
    const config = join(dir, 'kv.json');
    writeFileSync(
      config,
      JSON.stringify({ 'max-keys': 10, 'max-depth': 8, fsync: 'always', socket: '/tmp/x.sock' }),
    );
    const proc = ServerProcess.spawn(['--config', config, '--print-config', '--max-keys', '20'], {
      KV_MAX_DEPTH: '9',
    });
    expect(await proc.exited).toBe(0);
    const printed = proc.stdout;
    expect(printed).toContain('max-keys: 20  # --max-keys\n');
    expect(printed).toContain('max-depth: 9  # KV_MAX_DEPTH\n');
    expect(printed).toContain('fsync: always  # config file\n');
    expect(printed).toContain('max-connections: 10000  # default\n');
    expect(printed).toContain('# data-file: (not set)\n');
    expect(proc.stderr).toBe('');
    // Nothing was started: no log line, no socket.
    expect(printed).not.toContain('"msg"');

    const saved = join(dir, 'printed.yaml');
    writeFileSync(saved, printed);
    const again = ServerProcess.spawn(['--config', saved, '--print-config']);
    expect(await again.exited).toBe(0);
    expect(valuesOf(again.stdout)).toBe(valuesOf(printed));
  });

  it('an unknown key or a bad value in the file: one line naming file and key, exit 2', async () => {
    const dir = tempDir();
    const unknown = join(dir, 'a.yaml');
    writeFileSync(unknown, 'max-key: 1\n');
    const bad = join(dir, 'b.yaml');
    writeFileSync(bad, 'fsync: sometimes\n');
    const procs = [ServerProcess.spawn(['--config', unknown]), ServerProcess.spawn([], { KV_CONFIG: bad })];
    expect(await procs[0]?.exited).toBe(2);
    expect(await procs[1]?.exited).toBe(2);
    expect(procs[0]?.stderr).toBe(
      `kv-unix-server: ${unknown}: unknown key "max-key" (did you mean "max-keys"?); keys are the long flag names without "--"\n`,
    );
    expect(procs[1]?.stderr).toBe(
      `kv-unix-server: ${bad}: fsync: invalid value "sometimes": expected one of always, everysec, no\n`,
    );
  });
});
