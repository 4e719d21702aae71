import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PartialMessageGuard } from '@sockworks/framing';
import { LazyConnectionLogger, silentLogger } from '@sockworks/logging';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createDefaultRegistry, KvClient, KvStore } from '../src/index.js';
import { KvConnection } from '../src/server/connection.js';
import { DataFile } from '../src/server/persistence/data-file.js';
import { decodeLog, encodeRecord, LOG_MAGIC } from '../src/server/persistence/record.js';
import { RequestHandler } from '../src/server/request-handler.js';
import { RawClient, startServer, tempDir } from './helpers.js';

const LIMITS = { maxKeyBytes: 100, maxKeys: 1000, maxTotalBytes: 1_000_000 };

function open(path: string, store = new KvStore(LIMITS), compactMinBytes = 1 << 30) {
  const file = DataFile.open(store, { path, fsync: 'no', compactMinBytes, logger: silentLogger() });
  return { store, file };
}

describe('data file records', () => {
  it('round-trips set and delete records', () => {
    const bytes = Buffer.concat([
      LOG_MAGIC,
      encodeRecord({ op: 'set', key: '__proto__', json: '{"a":[1,2]}' }),
      encodeRecord({ op: 'delete', key: 'x' }),
    ]);
    expect(decodeLog(bytes)).toEqual({
      ops: [
        { op: 'set', key: '__proto__', json: '{"a":[1,2]}' },
        { op: 'delete', key: 'x' },
      ],
      validBytes: bytes.length,
      droppedBytes: 0,
    });
  });

  it('drops a torn last record cut at every possible byte', () => {
    const first = encodeRecord({ op: 'set', key: 'a', json: '1' });
    const last = encodeRecord({ op: 'set', key: 'b', json: '"two"' });
    for (let cut = 0; cut < last.length; cut++) {
      const bytes = Buffer.concat([LOG_MAGIC, first, last.subarray(0, cut)]);
      const decoded = decodeLog(bytes);
      expect(decoded.ops).toEqual([{ op: 'set', key: 'a', json: '1' }]);
      expect(decoded.validBytes).toBe(LOG_MAGIC.length + first.length);
    }
  });

  it('stops at a record whose checksum does not match', () => {
    const good = encodeRecord({ op: 'set', key: 'a', json: '1' });
    const bad = encodeRecord({ op: 'set', key: 'b', json: '2' });
    bad[bad.length - 1] = 0x33; // "3" instead of "2": same length, wrong CRC
    const decoded = decodeLog(Buffer.concat([LOG_MAGIC, good, bad]));
    expect(decoded.ops).toHaveLength(1);
    expect(decoded.droppedBytes).toBe(bad.length);
  });

  it('refuses a file that is not a data file', () => {
    expect(() => decodeLog(Buffer.from('hello world, not a log'))).toThrow(/bad magic/);
  });
});

describe('DataFile', () => {
  it('journals mutations, reloads them, and truncates a torn tail on load', () => {
    const path = join(tempDir(), 'data.log');
    const a = open(path);
    a.store.set('keep', { v: 1 });
    a.store.set('gone', 2);
    a.store.delete('gone');
    a.store.set('keep', { v: 2 });
    a.file.flush();
    a.file.close();
    const size = statSync(path).size;
    appendFileSync(path, Buffer.from([0, 0, 0, 50, 1, 2])); // a torn header of a next record
    const b = open(path);
    expect(b.store.keys()).toEqual(['keep']);
    expect(b.store.get('keep')).toEqual({ v: 2 });
    expect(statSync(path).size).toBe(size);
    b.store.set('after', true);
    b.file.close();
    expect(open(path).store.get('after')).toBe(true);
  });

  it('treats an empty file (crash during creation) as new', () => {
    const path = join(tempDir(), 'data.log');
    writeFileSync(path, '');
    const { store, file } = open(path);
    store.set('a', 1);
    file.close();
    expect(readFileSync(path).subarray(0, LOG_MAGIC.length).equals(LOG_MAGIC)).toBe(true);
    expect(open(path).store.get('a')).toBe(1);
  });

  it('compacts once the file is mostly garbage, keeping the live data', async () => {
    const path = join(tempDir(), 'data.log');
    const { store, file } = open(path, new KvStore(LIMITS), 2000);
    for (let i = 0; i < 200; i++) {
      store.set('counter', i);
      file.flush();
      await file.compaction();
    }
    expect(file.fileBytes).toBeLessThan(2000 + 100);
    store.set('other', 'x');
    file.close();
    const reloaded = open(path);
    expect(reloaded.store.get('counter')).toBe(199);
    expect(reloaded.store.get('other')).toBe('x');
  });

  it('compaction while serving runs in the background: flush() returns at once, nothing is lost', async () => {
    const path = join(tempDir(), 'data.log');
    const store = new KvStore({ maxKeyBytes: 100, maxKeys: 100_000, maxTotalBytes: 100_000_000 });
    const { file } = open(path, store, 1024 * 1024);
    const value = 'v'.repeat(500);
    const expected = new Map<string, unknown>();
    const set = (key: string, v: unknown) => {
      store.set(key, v);
      expected.set(key, v);
    };
    for (let i = 0; i < 20_000; i++) set(`k${i}`, value);
    file.flush();
    // Overwrite until the file is over twice the live data: the flush that crosses it starts the rewrite.
    let slowestFlushMs = 0;
    for (let round = 0; !file.compacting; round++) {
      expect(round).toBeLessThan(5);
      for (let i = 0; i < 20_000 && !file.compacting; i++) {
        set(`k${i}`, `${value}${round}`);
        if (i % 1000 === 999) {
          const start = performance.now();
          file.flush();
          slowestFlushMs = Math.max(slowestFlushMs, performance.now() - start);
        }
      }
    }
    // A synchronous rewrite of these 10 MB took seconds on the shared machine; a flush only appends.
    expect(slowestFlushMs).toBeLessThan(500);
    // Writes while the snapshot is being written: overwrites, deletes and new keys.
    for (let i = 0; i < 300; i++) {
      set(`k${i * 7}`, { during: i });
      store.delete(`k${i * 11 + 1}`);
      expected.delete(`k${i * 11 + 1}`);
      set(`new${i}`, i);
      file.flush();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await file.compaction();
    expect(file.fileBytes).toBeLessThan(20_000 * 600);
    file.close();
    const reloaded = open(
      path,
      new KvStore({ maxKeyBytes: 100, maxKeys: 100_000, maxTotalBytes: 100_000_000 }),
    );
    reloaded.file.close();
    expect(reloaded.store.size).toBe(expected.size);
    for (const [key, v] of expected) expect(reloaded.store.get(key), key).toEqual(v);
  });

  it('close() during a background compaction keeps the old file and removes the temp file', async () => {
    const path = join(tempDir(), 'data.log');
    const { store, file } = open(path, new KvStore(LIMITS), 2000);
    for (let i = 0; i < 200 && !file.compacting; i++) {
      store.set('counter', i);
      file.flush();
    }
    expect(file.compacting).toBe(true);
    file.close();
    expect(existsSync(`${path}.compact`)).toBe(false);
    expect(open(path).store.get('counter')).toBeTypeOf('number');
  });

  it('refuses to start when the file holds more than the limits allow', () => {
    const path = join(tempDir(), 'data.log');
    const a = open(path);
    a.store.set('a', 1);
    a.store.set('b', 2);
    a.file.close();
    expect(() => open(path, new KvStore({ ...LIMITS, maxKeys: 1 }))).toThrow(
      /does not fit the configured limits/,
    );
  });

  it('a server with --data-file keeps the store across a restart', async () => {
    const dir = tempDir();
    const dataFile = join(dir, 'kv.log');
    const first = await startServer({ dataFile });
    const kv = await KvClient.connect(first.path);
    await kv.store('name', 'ada');
    await kv.store('tmp', 1);
    await kv.delete('tmp');
    await kv.close();
    await first.server.close();
    const second = await startServer({ dataFile });
    const kv2 = await KvClient.connect(second.path);
    expect(await kv2.listKeys()).toEqual({ keys: ['name'], count: 1 });
    expect((await kv2.retrieve('name')).value).toBe('ada');
    await kv2.close();
  });

  it('a failed journal write drops the connection instead of acknowledging', async () => {
    const path = join(tempDir(), 's.sock');
    const store = new KvStore(LIMITS);
    const handler = new RequestHandler({ store, registry: createDefaultRegistry(), now: () => new Date() });
    const server = createServer((socket) => {
      socket.on('error', () => {});
      new KvConnection(
        socket,
        {
          handler,
          beforeReply: () => {
            throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
          },
          partials: new PartialMessageGuard(),
          log: new LazyConnectionLogger(silentLogger(), 'test'),
        },
        { maxLineBytes: 1024, maxDepth: 64, outputHighWaterMark: 65536, outputStallTimeoutMs: 0 },
      );
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    onTestFinished(() => {
      server.close();
    });
    const client = await RawClient.connect(path);
    client.send({ command: 'store', data: { key: 'a', value: 1 } });
    await client.waitClosed();
    expect(client.lines).toEqual([]);
  });
});
