import { createHash } from 'node:crypto';

/*
 * The Lua scripts that keep a store or delete atomic with the limits (Redis runs a script as one
 * command). KEYS[1] is the entry. With KEYS[2], the counters hash, the script reads the key count and
 * byte total, checks the limits and updates the counters itself: exact. Without it (entries and
 * counters in different Cluster slots, where one script may not touch both), the caller passes the
 * counters it read just before and applies the returned deltas afterwards: approximate across writers.
 * Bytes are counted as the in-process store counts them: the key's UTF-8 bytes (ARGV) plus the value's.
 */

/**
 * store. ARGV: json, keyBytes, maxKeys, maxBytes[, keys, bytes when there is no KEYS[2]].
 * Returns {addedKeys, addedBytes}; {-1, 0} when the key limit, {-2, 0} when the byte limit stops it.
 */
export const STORE_SCRIPT = `
local keyBytes = tonumber(ARGV[2])
local exists = redis.call('EXISTS', KEYS[1])
local old = 0
if exists == 1 then old = keyBytes + redis.call('STRLEN', KEYS[1]) end
local count, total
if KEYS[2] then
  local c = redis.call('HMGET', KEYS[2], 'keys', 'bytes')
  count = tonumber(c[1] or '0')
  total = tonumber(c[2] or '0')
else
  count = tonumber(ARGV[5])
  total = tonumber(ARGV[6])
end
if exists == 0 and count >= tonumber(ARGV[3]) then return {-1, 0} end
local bytes = keyBytes + string.len(ARGV[1])
if total - old + bytes > tonumber(ARGV[4]) then return {-2, 0} end
redis.call('SET', KEYS[1], ARGV[1])
local addedKeys = 1 - exists
local addedBytes = bytes - old
if KEYS[2] then
  if addedKeys ~= 0 then redis.call('HINCRBY', KEYS[2], 'keys', addedKeys) end
  redis.call('HINCRBY', KEYS[2], 'bytes', addedBytes)
end
return {addedKeys, addedBytes}
`;

/** delete. ARGV: keyBytes. Returns {removedKeys, removedBytes}: {0, 0} when the key was not stored. */
export const DELETE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0} end
local freed = tonumber(ARGV[1]) + redis.call('STRLEN', KEYS[1])
redis.call('DEL', KEYS[1])
if KEYS[2] then
  redis.call('HINCRBY', KEYS[2], 'keys', -1)
  redis.call('HINCRBY', KEYS[2], 'bytes', -freed)
end
return {1, freed}
`;

/** Applies deltas to the counters hash (KEYS[1]) in one step. ARGV: keys, bytes. Returns the new counts. */
export const COUNTERS_SCRIPT = `
return {redis.call('HINCRBY', KEYS[1], 'keys', ARGV[1]), redis.call('HINCRBY', KEYS[1], 'bytes', ARGV[2])}
`;

/** How a script is sent: by digest, or (the first time, or after a Redis restart) in full. */
export interface ScriptCaller {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** A script run by EVALSHA, falling back to EVAL when Redis does not hold it (NOSCRIPT). */
export class RedisScript {
  readonly source: string;
  readonly sha: string;

  constructor(source: string) {
    this.source = source;
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** The script's reply as a pair of integers (what every script here returns). */
  async run(redis: ScriptCaller, keys: string[], args: string[]): Promise<[number, number]> {
    const options = { keys, arguments: args };
    let reply: unknown;
    try {
      reply = await redis.evalSha(this.sha, options);
    } catch (err) {
      // NOSCRIPT is Redis's error code (the first word of the reply) for an unknown digest.
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      reply = await redis.eval(this.source, options);
    }
    return pairOf(reply);
  }
}

function pairOf(reply: unknown): [number, number] {
  if (Array.isArray(reply) && reply.length === 2) {
    const [a, b] = reply.map(Number);
    if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) return [a as number, b as number];
  }
  throw new TypeError(`unexpected script reply: ${JSON.stringify(reply)}`);
}
