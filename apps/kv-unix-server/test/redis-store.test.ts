import { KvErrorCode } from '@sockworks/error-codes';
import {
  redisAvailable,
  runTracked,
  scaled,
  startRedisCluster,
  startRedisServer,
} from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import type { KvClient, RedisKvStore } from '../src/index.js';
import { RawClient } from './helpers.js';
import { startRedisKv } from './redis-helpers.js';

/** Every key of the scan, page by page, with how many pages it took. */
async function scanAll(kv: KvClient, count: number): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let pages = 0;
  for await (const page of kv.scanKeys(count)) {
    pages++;
    keys.push(...page);
  }
  return { keys, pages };
}

describe.skipIf(!redisAvailable())('kv on Redis (--redis-url)', { timeout: scaled(60_000) }, () => {
  it('serves the storage commands with the in-process replies, one Redis key per entry under the prefix', async () => {
    const redis = await startRedisServer();
    const { kv, path } = await startRedisKv(redis.url, { prefix: 'app:' });
    expect(await kv.store('user', { name: 'ada', tags: ['x', 1, null] })).toEqual({
      key: 'user',
      stored: true,
      message: "Value stored for key 'user'",
    });
    expect(await kv.retrieve('user')).toEqual({ key: 'user', value: { name: 'ada', tags: ['x', 1, null] } });
    // The value is kept as the JSON text the in-process store keeps.
    expect((await redis.cli('GET', 'app:user')).trim()).toBe('{"name":"ada","tags":["x",1,null]}');
    await kv.store('__proto__', 42);
    expect((await kv.ping()).storage_size).toBe(2);
    expect((await kv.request('list_keys')) as object).toMatchObject({ count: 2, cursor: '0' });
    expect(((await kv.request('list_keys')) as { keys: string[] }).keys.sort()).toEqual([
      '__proto__',
      'user',
    ]);
    expect(await kv.delete('user')).toEqual({ key: 'user', deleted: true, message: "Key 'user' deleted" });
    await expect(kv.retrieve('user')).rejects.toMatchObject({ code: KvErrorCode.KEY_NOT_FOUND });
    await expect(kv.delete('user')).rejects.toMatchObject({ code: KvErrorCode.KEY_NOT_FOUND });
    await expect(kv.store('', 1)).rejects.toMatchObject({ code: KvErrorCode.INVALID_INPUT });
    await expect(kv.store('\ud800', 1)).rejects.toMatchObject({ code: KvErrorCode.INVALID_INPUT });
    // Pipelined requests on one connection are answered in order, mixing Redis and local commands.
    const raw = await RawClient.connect(path);
    raw.send({ command: 'store', data: { key: 'n', value: 1 }, request_id: 1 });
    raw.send({ command: 'echo', data: { message: 'between' }, request_id: 2 });
    raw.send({ command: 'retrieve', data: { key: 'n' }, request_id: 3 });
    raw.send({ command: 'delete', data: { key: 'n' }, request_id: 4 });
    raw.send({ command: 'retrieve', data: { key: 'n' }, request_id: 5 });
    const replies = await raw.replies(5);
    expect(replies.map((r) => r.request_id)).toEqual([1, 2, 3, 4, 5]);
    expect(replies[2]).toMatchObject({ success: true, data: { key: 'n', value: 1 } });
    expect(replies[4]).toMatchObject({ success: false, error: { code: 'KEY_NOT_FOUND' } });
  });

  it('keeps --max-keys and --max-storage-bytes atomic across instances, overwrites and deletes', async () => {
    const redis = await startRedisServer();
    // Bytes as in process: key UTF-8 bytes plus value JSON bytes ('k1' + '"ab"' = 6).
    const limits = { maxKeyBytes: 64, maxKeys: 3, maxTotalBytes: 30 };
    const a = await startRedisKv(redis.url, { limits });
    const b = await startRedisKv(redis.url, { limits });
    await a.kv.store('k1', 'ab');
    await b.kv.store('k2', 'ab');
    await a.kv.store('k1', 'abcd'); // an overwrite: 8 bytes now, still 2 keys
    expect(await redis.cli('HGETALL', 'kv:')).toMatch(/keys\n2\nbytes\n14/);
    await b.kv.store('k3', 1);
    await expect(a.kv.store('k4', 1)).rejects.toMatchObject({ code: KvErrorCode.STORAGE_FULL });
    await b.kv.delete('k3');
    await expect(a.kv.store('k4', 'x'.repeat(20))).rejects.toMatchObject({ code: KvErrorCode.STORAGE_FULL });
    await expect(a.kv.retrieve('k4')).rejects.toMatchObject({ code: KvErrorCode.KEY_NOT_FOUND });
    // Many concurrent stores from two instances: never more than the limit.
    const attempts = Array.from({ length: 20 }, (_, i) =>
      (i % 2 ? a : b).kv.store(`c${i}`, 0).then(
        () => true,
        () => false,
      ),
    );
    expect((await Promise.all(attempts)).filter(Boolean)).toHaveLength(1);
    expect((await a.kv.ping()).storage_size).toBe(3);
  });

  it('two instances on one Redis see each other’s writes and deletes', async () => {
    const redis = await startRedisServer();
    const a = await startRedisKv(redis.url);
    const b = await startRedisKv(redis.url);
    await a.kv.store('shared', { from: 'a' });
    expect(await b.kv.retrieve('shared')).toEqual({ key: 'shared', value: { from: 'a' } });
    await b.kv.store('shared', { from: 'b' });
    expect(await a.kv.retrieve('shared')).toEqual({ key: 'shared', value: { from: 'b' } });
    expect((await a.kv.listKeys()).keys).toEqual(['shared']);
    await a.kv.delete('shared');
    await expect(b.kv.retrieve('shared')).rejects.toMatchObject({ code: KvErrorCode.KEY_NOT_FOUND });
  });

  it('list_keys pages with SCAN: every key once; without a cursor REPLY_TOO_LARGE past one reply', async () => {
    const redis = await startRedisServer();
    // Keys of another prefix in the same database are not listed.
    await redis.cli('SET', 'other:x', '1');
    const { kv, path } = await startRedisKv(redis.url, { prefix: 'k*[v]:' });
    const expected = Array.from({ length: 2500 }, (_, i) => `key-${i}`);
    await Promise.all(expected.map((key, i) => kv.store(key, i)));
    const { keys, pages } = await scanAll(kv, 100);
    expect(keys.sort()).toEqual([...expected].sort());
    expect(pages).toBeGreaterThan(10);
    const raw = await RawClient.connect(path);
    expect(await raw.request({ command: 'list_keys', data: { cursor: 'abc' } })).toMatchObject({
      error: { code: 'INVALID_INPUT' },
    });
    expect(await raw.request({ command: 'list_keys', data: { cursor: '1'.repeat(40) } })).toMatchObject({
      error: { code: 'INVALID_INPUT' },
    });
    await Promise.all(Array.from({ length: 7600 }, (_, i) => kv.store(`more-${i}`, i)));
    expect(await raw.request({ command: 'list_keys' })).toMatchObject({ error: { code: 'REPLY_TOO_LARGE' } });
  });

  it('pages a sparse keyspace (other prefixes dominate): empty pages keep a cursor, no key is missed', async () => {
    const redis = await startRedisServer();
    // 5000 keys of another application in the same database, 3 of ours.
    await redis.cli('EVAL', "for i = 1, 5000 do redis.call('SET', 'other:' .. i, 'x') end", '0');
    expect((await redis.cli('DBSIZE')).trim()).toBe('5000');
    const { kv } = await startRedisKv(redis.url);
    for (const key of ['a', 'b', 'c']) await kv.store(key, key);
    let cursor = '0';
    const keys: string[] = [];
    let emptyPages = 0;
    do {
      const page = await kv.listKeysPage(cursor, 2);
      if (page.keys.length === 0) emptyPages++;
      expect(page.count).toBe(page.keys.length);
      keys.push(...page.keys);
      cursor = page.cursor;
    } while (cursor !== '0');
    expect(keys.sort()).toEqual(['a', 'b', 'c']);
    // With COUNT 2, SCAN visits few slots of the 8192-slot table per call: most pages come back empty.
    expect(emptyPages).toBeGreaterThan(0);
    expect(await kv.listKeys()).toEqual({ keys: expect.arrayContaining(['a', 'b', 'c']), count: 3 });
  });

  it('1000 requests pipelined in one write are answered in order', async () => {
    const redis = await startRedisServer();
    const { path } = await startRedisKv(redis.url);
    const raw = await RawClient.connect(path);
    const lines: string[] = [];
    for (let i = 0; i < 500; i++) {
      lines.push(
        JSON.stringify({ command: 'store', data: { key: `k${i % 7}`, value: i }, request_id: 2 * i }),
      );
      lines.push(JSON.stringify({ command: 'retrieve', data: { key: `k${i % 7}` }, request_id: 2 * i + 1 }));
    }
    raw.write(`${lines.join('\n')}\n`);
    const replies = await raw.replies(1000, 30_000);
    expect(replies.map((r) => r.request_id)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // Each retrieve sees the store just before it on the same connection.
    for (let i = 0; i < 500; i++) {
      expect(replies[2 * i + 1]).toMatchObject({ success: true, data: { value: i } });
    }
  });

  it('works through a unix:// socket URL', async () => {
    const redis = await startRedisServer();
    const { kv } = await startRedisKv(redis.unixUrl);
    await kv.store('via', 'socket');
    expect((await redis.cli('GET', 'kv:via')).trim()).toBe('"socket"');
  });

  it('a three-master Redis Cluster: store, retrieve, delete and list_keys paging across slots', async () => {
    const cluster = await startRedisCluster(3);
    const a = await startRedisKv(cluster.url, { cluster: true });
    const b = await startRedisKv(cluster.url, { cluster: true });
    const expected = Array.from({ length: 300 }, (_, i) => `key-${i}`);
    await Promise.all(expected.map((key, i) => (i % 2 ? a : b).kv.store(key, { i })));
    for (const key of ['key-0', 'key-1', 'key-299']) {
      expect(await a.kv.retrieve(key)).toEqual({ key, value: { i: Number(key.slice(4)) } });
    }
    await Promise.all(expected.slice(0, 50).map((key) => b.kv.delete(key)));
    await expect(a.kv.retrieve('key-0')).rejects.toMatchObject({ code: KvErrorCode.KEY_NOT_FOUND });
    const { keys, pages } = await scanAll(a.kv, 17);
    expect(keys.sort()).toEqual(expected.slice(50).sort());
    expect(pages).toBeGreaterThan(3);
    expect(((await b.kv.request('list_keys')) as { keys: string[] }).keys.sort()).toEqual(
      expected.slice(50).sort(),
    );
    expect((await a.kv.ping()).storage_size).toBe(250);
    // The entries are spread over every master, not one slot.
    for (const port of cluster.ports) {
      const size = await runTracked('redis-cli', ['-p', String(port), 'DBSIZE']);
      expect(Number(size.stdout.trim()), `keys on :${port}`).toBeGreaterThan(10);
    }
  });

  it('a Redis Cluster with a hash-tagged prefix: one slot, exact limits', async () => {
    const cluster = await startRedisCluster(3);
    const limits = { maxKeyBytes: 64, maxKeys: 5, maxTotalBytes: 1000 };
    const a = await startRedisKv(cluster.url, { cluster: true, prefix: '{kv}:', limits });
    const b = await startRedisKv(cluster.url, { cluster: true, prefix: '{kv}:', limits });
    expect((a.server.storage as RedisKvStore).exactLimits).toBe(true);
    const attempts = Array.from({ length: 12 }, (_, i) =>
      (i % 2 ? a : b).kv.store(`key-${i}`, i).then(
        () => true,
        () => false,
      ),
    );
    expect((await Promise.all(attempts)).filter(Boolean)).toHaveLength(5);
    expect((await b.kv.ping()).storage_size).toBe(5);
    expect((await a.kv.listKeys()).count).toBe(5);
    const sizes = await Promise.all(
      cluster.ports.map(async (port) =>
        Number((await runTracked('redis-cli', ['-p', String(port), 'DBSIZE'])).stdout.trim()),
      ),
    );
    // Five entries and the counters hash, all on the master of the {kv} slot.
    expect(sizes.sort()).toEqual([0, 0, 6]);
  });
});
