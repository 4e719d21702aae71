import { KvErrorCode, ProtocolError } from '@sockworks/error-codes';
import { orUnavailable } from '@sockworks/redis';
import { JsonText } from '../json-text.js';
import { type AllKeys, jsonOf, type KeyPage, type KvStorage, validateKey } from '../kv-storage.js';
import type { KvStoreLimits } from '../store.js';
import type { RedisKeyspace } from './redis-keyspace.js';
import { listAllKeys, listKeyPage } from './redis-scan.js';
import { COUNTERS_SCRIPT, DELETE_SCRIPT, RedisScript, STORE_SCRIPT } from './scripts.js';

/** Default of `--redis-prefix`. */
export const DEFAULT_REDIS_PREFIX = 'kv:';

/** Options of {@link RedisKvStore}. */
export interface RedisKvStoreOptions {
  keyspace: RedisKeyspace;
  limits: KvStoreLimits;
  /** Every entry is the Redis key `prefix + key`; the counters hash is `prefix` itself. */
  prefix: string;
  /** Told when a cluster write succeeded but its counter update did not (the counters drift). */
  onCounterDrift?: (err: unknown) => void;
}

const store = new RedisScript(STORE_SCRIPT);
const remove = new RedisScript(DELETE_SCRIPT);
const counters = new RedisScript(COUNTERS_SCRIPT);

/** True when `prefix` holds a Redis Cluster hash tag, so every key under it hashes to one slot. */
export function prefixHasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  if (open < 0) return false;
  const close = prefix.indexOf('}', open + 1);
  return close > open + 1;
}

/**
 * The kv store in Redis (`--redis-url`): one string key per entry, `prefix + key`, holding the value's
 * JSON text (what the in-process store keeps), and one hash, `prefix`, counting keys and bytes for the
 * limits. A store or delete is one Lua script, atomic with the limits; on a Redis Cluster whose keys do
 * not share a hash tag, the counters live in another slot and are kept approximately (see the README).
 * Every operation returns a Promise; Redis being away rejects it with UNAVAILABLE.
 */
export class RedisKvStore implements KvStorage {
  readonly limits: KvStoreLimits;
  readonly prefix: string;
  readonly #redis: RedisKeyspace;
  /** Entries and counters in one script (one server, or one hash-tagged slot). */
  readonly #exact: boolean;
  readonly #onDrift: (err: unknown) => void;

  constructor(options: RedisKvStoreOptions) {
    if (options.prefix.length === 0) throw new TypeError('the Redis key prefix must not be empty');
    this.limits = options.limits;
    this.prefix = options.prefix;
    this.#redis = options.keyspace;
    this.#exact = !options.keyspace.cluster || prefixHasHashTag(options.prefix);
    this.#onDrift = options.onCounterDrift ?? (() => {});
  }

  /** True when the limits are checked and counted in the same script as the write. */
  get exactLimits(): boolean {
    return this.#exact;
  }

  validateKey(key: unknown): asserts key is string {
    validateKey(key, this.limits.maxKeyBytes);
    // Redis keys are bytes: a lone surrogate would be stored as U+FFFD, another key than the one asked for.
    if (/\p{Cs}/u.test(key)) {
      throw new ProtocolError(
        KvErrorCode.INVALID_INPUT,
        "'key' must be well-formed Unicode (no lone surrogates)",
      );
    }
  }

  async keyCount(): Promise<number> {
    const [keys] = await orUnavailable(this.#redis.hmGet(this.prefix, ['keys']));
    return Math.max(0, Number(keys ?? 0));
  }

  async set(key: string, value: unknown): Promise<void> {
    const json = jsonOf(value);
    const keyBytes = String(Buffer.byteLength(key));
    const { maxKeys, maxTotalBytes } = this.limits;
    const args = [json, keyBytes, String(maxKeys), String(maxTotalBytes)];
    let result: [number, number];
    if (this.#exact) {
      result = await orUnavailable(store.run(this.#redis, [this.prefix + key, this.prefix], args));
    } else {
      const [keys, bytes] = await orUnavailable(this.#redis.hmGet(this.prefix, ['keys', 'bytes']));
      args.push(String(keys ?? 0), String(bytes ?? 0));
      result = await orUnavailable(store.run(this.#redis, [this.prefix + key], args));
    }
    const [addedKeys, addedBytes] = result;
    if (addedKeys === -1) {
      throw new ProtocolError(
        KvErrorCode.STORAGE_FULL,
        `Storage is full: at most ${maxKeys} keys; nothing stored`,
      );
    }
    if (addedKeys === -2) {
      throw new ProtocolError(
        KvErrorCode.STORAGE_FULL,
        `Storage is full: at most ${maxTotalBytes} bytes; nothing stored`,
      );
    }
    if (!this.#exact) await this.#count(addedKeys, addedBytes);
  }

  async read(key: string): Promise<JsonText | undefined> {
    const json = await orUnavailable(this.#redis.get(this.prefix + key));
    return json === null ? undefined : new JsonText(json);
  }

  async delete(key: string): Promise<boolean> {
    const keyBytes = String(Buffer.byteLength(key));
    const keys = this.#exact ? [this.prefix + key, this.prefix] : [this.prefix + key];
    const [removed, freed] = await orUnavailable(remove.run(this.#redis, keys, [keyBytes]));
    if (removed === 0) return false;
    if (!this.#exact) await this.#count(-removed, -freed);
    return true;
  }

  listPage(cursor: string, count: number, maxChars: number): Promise<KeyPage> {
    return orUnavailable(listKeyPage(this.#redis, this.prefix, cursor, count, maxChars));
  }

  async listAll(maxKeys: number, maxChars: number): Promise<AllKeys> {
    const all = await orUnavailable(listAllKeys(this.#redis, this.prefix, maxKeys, maxChars));
    if (all.fits) return all;
    return { fits: false, size: Math.max(all.size, await this.keyCount()), chars: all.chars };
  }

  /** Closes the Redis connection(s). */
  close(deadlineMs?: number): Promise<void> {
    return this.#redis.close(deadlineMs);
  }

  /**
   * The cluster's second step: the write is done (and is acknowledged as done), so a failure here
   * is not the client's; it leaves the counters off by this write, which is reported, not thrown.
   */
  async #count(keys: number, bytes: number): Promise<void> {
    try {
      await counters.run(this.#redis, [this.prefix], [String(keys), String(bytes)]);
    } catch (err) {
      this.#onDrift(err);
    }
  }
}
