import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { silentLogger } from '@sockworks/logging';
import { describe, expect, it } from 'vitest';
import { REPAIR_EXIT, runRepairCli } from '../src/cli/repair.js';
import { KvClient, KvStore } from '../src/index.js';
import { DataFile } from '../src/server/persistence/data-file.js';
import { decodeLog, encodeRecord, LOG_MAGIC } from '../src/server/persistence/record.js';
import { APP_DIR, ServerProcess, tempDir, tempSocketPath } from './helpers.js';

const LIMITS = { maxKeyBytes: 100, maxKeys: 100_000, maxTotalBytes: 100_000_000 };

/** A data file of `count` set records (`k<i>` -> a ~40-byte string) and each record's start offset. */
function buildLog(count: number): { bytes: Buffer; offsets: number[] } {
  const chunks: Buffer[] = [LOG_MAGIC];
  const offsets: number[] = [];
  let offset = LOG_MAGIC.length;
  for (let i = 0; i < count; i++) {
    const record = encodeRecord({
      op: 'set',
      key: `k${i}`,
      json: JSON.stringify(`value-${i}-${'x'.repeat(30)}`),
    });
    offsets.push(offset);
    chunks.push(record);
    offset += record.length;
  }
  return { bytes: Buffer.concat(chunks), offsets };
}

function openStore(path: string): { store: KvStore; file: DataFile } {
  const store = new KvStore(LIMITS);
  const file = DataFile.open(store, { path, fsync: 'no', compactMinBytes: 1, logger: silentLogger() });
  return { store, file };
}

describe('a damaged record followed by valid ones (issue 14, item 3)', () => {
  it('decodeLog reports damage anywhere in a middle record, with its offset and the records after it', () => {
    const { bytes, offsets } = buildLog(5);
    const start = offsets[2]!;
    const end = offsets[3]!;
    for (let at = start; at < end; at++) {
      const damaged = Buffer.from(bytes);
      damaged[at] = damaged[at]! ^ 0x20;
      const decoded = decodeLog(damaged);
      expect(decoded.corruption, `byte ${at}`).toEqual({
        offset: start,
        bytes: end - start,
        recordsAfter: 2,
      });
      expect(decoded.ops.map((op) => op.key)).toEqual(['k0', 'k1']);
    }
  });

  it('a torn tail is still only a torn tail (no corruption reported)', () => {
    const { bytes, offsets } = buildLog(3);
    for (let cut = offsets[2]! + 1; cut < bytes.length; cut++) {
      const decoded = decodeLog(bytes.subarray(0, cut));
      expect(decoded.corruption).toBeUndefined();
      expect(decoded.validBytes).toBe(offsets[2]);
      expect(decoded.droppedBytes).toBe(cut - offsets[2]!);
    }
  });

  it('DataFile.open refuses the file (naming file, offset, records after) and leaves it byte for byte', () => {
    const path = join(tempDir(), 'data.log');
    const { bytes, offsets } = buildLog(50);
    const damaged = Buffer.from(bytes);
    damaged[offsets[10]! + 12] = 0x7e; // inside the 11th record's payload
    writeFileSync(path, damaged);
    expect(() => openStore(path)).toThrow(
      new RegExp(`${path}.*offset ${offsets[10]}.*39 valid records after it`),
    );
    // compactMinBytes is 1: a file that loaded would have been compacted (rewritten) at once.
    expect(readFileSync(path).equals(damaged)).toBe(true);
  });
});

describe('a damaged magic (the first 8 bytes)', () => {
  it('is corruption when valid records follow: the start is refused, kv-repair salvages them all', () => {
    const dir = tempDir();
    const path = join(dir, 'data.log');
    const { bytes } = buildLog(20);
    const damaged = Buffer.from(bytes);
    damaged[3] = 0x58;
    writeFileSync(path, damaged);
    expect(() => openStore(path)).toThrow(
      new RegExp(`${path}.*offset 0 \\(8 unreadable bytes\\).*20 valid records`),
    );
    expect(readFileSync(path).equals(damaged)).toBe(true);
    const out = join(dir, 'fixed.log');
    expect(repair('--data-file', path, '--out', out).code).toBe(REPAIR_EXIT.OK);
    const { store, file } = openStore(out);
    file.close();
    expect(store.size).toBe(20);
  });

  it('a file with no valid record is not a data file; the error names it', () => {
    const path = join(tempDir(), 'data.log');
    writeFileSync(path, 'this is not a kv data file at all');
    expect(() => openStore(path)).toThrow(new RegExp(`data file ${path}: not a kv-unix-server data file`));
  });
});

// The exact scenario of the issue: 67,500 keys, one flipped byte at 3 MB, a real server process.
describe('the server process with a damaged data file', { timeout: 60_000 }, () => {
  it('exits 1 naming the file, the offset and the records after it; the file is unchanged', async () => {
    const dir = tempDir();
    const path = join(dir, 'kv.log');
    const { bytes, offsets } = buildLog(67_500);
    const at = 3 * 1024 * 1024;
    const index = offsets.findIndex((o) => o > at) - 1;
    const damaged = Buffer.from(bytes);
    damaged[at] = damaged[at]! ^ 0x01;
    writeFileSync(path, damaged);
    const proc = ServerProcess.spawn(['--socket', tempSocketPath(), '--data-file', path]);
    expect(await proc.exited).toBe(1);
    expect(proc.stderr).toContain(path);
    expect(proc.stderr).toContain(`offset ${offsets[index]}`);
    expect(proc.stderr).toContain(`${67_500 - index - 1} valid records after it`);
    expect(proc.stderr).toContain('kv-repair');
    expect(proc.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(path).equals(damaged)).toBe(true);
  });

  it('a torn tail still starts: the tail is dropped, every complete record is served', async () => {
    const dir = tempDir();
    const path = join(dir, 'kv.log');
    const { bytes, offsets } = buildLog(1000);
    writeFileSync(path, bytes.subarray(0, offsets[999]! + 7));
    const socket = tempSocketPath();
    const proc = ServerProcess.spawn(['--socket', socket, '--data-file', path]);
    await proc.waitForLog('kv server started', 45_000);
    expect(proc.stdout).toContain('torn');
    expect(statSync(path).size).toBe(offsets[999]);
    const kv = await KvClient.connect(socket);
    expect((await kv.ping()).storage_size).toBe(999);
    await kv.close();
  });
});

/** Runs kv-repair in-process; returns its exit code and output. */
function repair(...argv: string[]): { code: number; stdout: string; stderr: string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const code = runRepairCli({ argv, env: {}, stdout, stderr });
  return { code, stdout: String(stdout.read() ?? ''), stderr: String(stderr.read() ?? '') };
}

/** 1000 records with damage in record 100 (length field) and 500 (payload), and a torn last record. */
function damagedLog(): { damaged: Buffer; offsets: number[] } {
  const { bytes, offsets } = buildLog(1000);
  const damaged = Buffer.from(bytes.subarray(0, offsets[999]! + 5));
  damaged[offsets[100]! + 2] = 0xff;
  damaged[offsets[500]! + 20] = 0x01;
  return { damaged, offsets };
}

describe('kv-repair', () => {
  it('salvages every valid record after the damage into a new file and reports what it skipped', () => {
    const dir = tempDir();
    const input = join(dir, 'kv.log');
    const output = join(dir, 'kv.repaired');
    const { damaged, offsets } = damagedLog();
    writeFileSync(input, damaged);

    const check = repair('--check', '--data-file', input);
    expect(check.code).toBe(REPAIR_EXIT.CORRUPT);
    expect(check.stdout).toContain('997 valid records, 3 damaged region(s)');

    const fixed = repair('--data-file', input, '--out', output);
    expect(fixed.code).toBe(REPAIR_EXIT.OK);
    expect(fixed.stdout).toContain(`skipped offset ${offsets[100]}: ${offsets[101]! - offsets[100]!} bytes`);
    expect(fixed.stdout).toContain(`skipped offset ${offsets[500]}: ${offsets[501]! - offsets[500]!} bytes`);
    expect(fixed.stdout).toContain(`skipped offset ${offsets[999]}: 5 bytes (torn tail`);
    expect(fixed.stdout).toContain(`wrote 997 records`);
    expect(readFileSync(input).equals(damaged)).toBe(true);

    const { store, file } = openStore(output);
    file.close();
    expect(store.size).toBe(997);
    for (const gone of ['k100', 'k500', 'k999']) expect(store.has(gone)).toBe(false);
    expect(store.get('k998')).toBe(`value-998-${'x'.repeat(30)}`);
    expect(repair('--check', '--data-file', output).code).toBe(REPAIR_EXIT.OK);
  });

  it('never overwrites: an existing output (or the input itself) is refused, exit 1', () => {
    const dir = tempDir();
    const input = join(dir, 'kv.log');
    const { damaged } = damagedLog();
    writeFileSync(input, damaged);
    const existing = join(dir, 'old');
    writeFileSync(existing, 'precious');
    for (const out of [existing, input]) {
      const result = repair('--data-file', input, '--out', out);
      expect(result.code).toBe(REPAIR_EXIT.FAILED);
      expect(result.stderr).toMatch(/EEXIST/);
    }
    expect(readFileSync(existing, 'utf8')).toBe('precious');
    expect(readFileSync(input).equals(damaged)).toBe(true);
  });

  it('usage errors exit 2; a file that is not a data file exits 1', () => {
    const dir = tempDir();
    expect(repair('--data-file', join(dir, 'x')).code).toBe(REPAIR_EXIT.USAGE);
    expect(repair('--check').code).toBe(REPAIR_EXIT.USAGE);
    writeFileSync(join(dir, 'x'), 'not a log');
    const result = repair('--check', '--data-file', join(dir, 'x'));
    expect(result.code).toBe(REPAIR_EXIT.FAILED);
    expect(result.stderr).toMatch(/bad magic/);
    const help = repair('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes/);
  });

  it('the kv-repair bin salvages a file the server refused, and the server starts on the result', {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const input = join(dir, 'kv.log');
    const output = join(dir, 'kv.repaired');
    const { damaged } = damagedLog();
    writeFileSync(input, damaged);
    const refused = ServerProcess.spawn(['--socket', tempSocketPath(), '--data-file', input]);
    expect(await refused.exited).toBe(1);
    const child = spawn(
      process.execPath,
      [
        '--conditions=sockworks-source',
        '--import',
        'tsx',
        'src/cli/kv-repair.ts',
        '--data-file',
        input,
        '--out',
        output,
      ],
      { cwd: APP_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t;
    });
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
    expect(out).toContain('wrote 997 records');
    const socket = tempSocketPath();
    const server = ServerProcess.spawn(['--socket', socket, '--data-file', output]);
    await server.waitForLog('kv server started', 45_000);
    const kv = await KvClient.connect(socket);
    expect((await kv.ping()).storage_size).toBe(997);
    await kv.close();
    expect(readFileSync(input).equals(damaged)).toBe(true);
  });
});
