import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '@sockworks/logging';
import { describe, expect, it } from 'vitest';
import { KvClient, KvStore } from '../src/index.js';
import { DataFile } from '../src/persistence/data-file.js';
import { decodeLog, encodeRecord, LOG_MAGIC } from '../src/persistence/record.js';
import { ServerProcess, tempDir, tempSocketPath } from './helpers.js';

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
    await proc.waitForLog('kv server started');
    expect(proc.stdout).toContain('torn');
    expect(statSync(path).size).toBe(offsets[999]);
    const kv = await KvClient.connect(socket);
    expect((await kv.ping()).storage_size).toBe(999);
    await kv.close();
  });
});
