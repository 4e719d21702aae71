import { KvErrorCode, ProtocolError } from '@sockworks/error-codes';
import { type AllKeys, INVALID_CURSOR_MESSAGE, type KeyPage } from '../kv-storage.js';
import type { RedisKeyspace } from './redis-keyspace.js';

/**
 * SCAN calls one `list_keys` page makes at most while they find no key (a sparse or shared keyspace):
 * then the page is empty and its cursor not "0", as a Redis SCAN reply may be.
 */
const MAX_SCAN_CALLS_PER_PAGE = 16;
/** SCAN's COUNT while collecting every key for a `list_keys` without cursor. */
const LIST_ALL_SCAN_COUNT = 1000;
const MAX_U64 = (1n << 64n) - 1n;

/** The SCAN MATCH pattern of every entry under `prefix`: the prefix, glob characters escaped, then one or more characters (so not the counters hash, which is the prefix itself). */
export function entryPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}?*`;
}

/**
 * The protocol cursor holds which shard (master) the scan is on and that shard's SCAN cursor:
 * `shardCursor * shards + shard`, so "0" starts at the first shard and one Redis server's cursor is
 * its own SCAN cursor. A cursor from another topology (a resharded cluster) resumes somewhere valid
 * but may repeat or skip keys, as SCAN itself does across a resharding.
 */
function decodeCursor(text: string, shards: number): { shard: number; cursor: bigint } {
  const combined = BigInt(text);
  const cursor = combined / BigInt(shards);
  if (cursor > MAX_U64) throw new ProtocolError(KvErrorCode.INVALID_INPUT, INVALID_CURSOR_MESSAGE);
  return { shard: Number(combined % BigInt(shards)), cursor };
}

function encodeCursor(shard: number, cursor: bigint, shards: number): string {
  return String(cursor * BigInt(shards) + BigInt(shard));
}

/** One `list_keys` page: SCAN on the cursor's shard until a call finds keys, moving on to the next shard when one is done. */
export async function listKeyPage(
  redis: RedisKeyspace,
  prefix: string,
  cursorText: string,
  count: number,
  maxChars: number,
): Promise<KeyPage> {
  const shards = await redis.shards();
  const match = entryPattern(prefix);
  let { shard, cursor } = decodeCursor(cursorText, shards.length);
  const keys: string[] = [];
  let chars = 0;
  for (let calls = 0; calls < MAX_SCAN_CALLS_PER_PAGE; calls++) {
    const target = shards[shard];
    if (target === undefined) break;
    const reply = await target.scan(String(cursor), match, Math.max(1, count - keys.length));
    for (const redisKey of reply.keys) {
      const key = redisKey.slice(prefix.length);
      keys.push(key);
      chars += key.length;
    }
    cursor = BigInt(reply.cursor);
    if (cursor === 0n && ++shard === shards.length) return { keys, cursor: '0' };
    if (keys.length >= count || chars >= maxChars || keys.length > 0) break;
  }
  return { keys, cursor: encodeCursor(shard, cursor, shards.length) };
}

/**
 * Every key under `prefix` when there are at most `maxKeys` of at most `maxChars` UTF-16 units together;
 * the walk stops as soon as either is passed (then `size`/`chars` are what it saw). SCAN may return a
 * key twice; it is listed once.
 */
export async function listAllKeys(
  redis: RedisKeyspace,
  prefix: string,
  maxKeys: number,
  maxChars: number,
): Promise<AllKeys> {
  const match = entryPattern(prefix);
  const seen = new Set<string>();
  let chars = 0;
  for (const shard of await redis.shards()) {
    let cursor = '0';
    do {
      const reply = await shard.scan(cursor, match, LIST_ALL_SCAN_COUNT);
      cursor = reply.cursor;
      for (const redisKey of reply.keys) {
        const key = redisKey.slice(prefix.length);
        if (seen.has(key)) continue;
        seen.add(key);
        chars += key.length;
      }
      if (seen.size > maxKeys || chars > maxChars) return { fits: false, size: seen.size, chars };
    } while (cursor !== '0');
  }
  return { fits: true, keys: [...seen] };
}
