import { KvErrorCode, ProtocolError } from '@sockworks/error-codes';
import type { JsonText } from './json-text.js';

/**
 * A result now or later: the in-process store answers synchronously (no Promise per request on the
 * default path), a shared store (Redis) with a Promise.
 */
export type MaybePromise<T> = T | Promise<T>;

/** `fn(value)`, after `value` settles when it is a Promise; synchronous otherwise. */
export function andThen<T, R>(value: MaybePromise<T>, fn: (value: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}

/** One page of {@link KvStorage.listPage}. */
export interface KeyPage {
  keys: string[];
  /** Pass it back to continue; `"0"` when the scan is complete. */
  cursor: string;
}

/** The answer of {@link KvStorage.listAll}: every key, or how many there are when they do not fit. */
export type AllKeys =
  | { fits: true; keys: string[] }
  | {
      fits: false /** keys held (or a lower bound) */;
      size: number /** their UTF-16 length (or a lower bound) */;
      chars: number;
    };

/**
 * What the storage commands need from a store: the in-process `KvStore` (default) or a shared one
 * (`RedisKvStore`, `--redis-url`). Errors are `ProtocolError`s with stable codes (INVALID_INPUT,
 * STORAGE_FULL, UNAVAILABLE); a shared store's Promise rejects with them.
 */
export interface KvStorage {
  /** Number of keys held (in a Redis Cluster: the shared counter, see the README). */
  keyCount(): MaybePromise<number>;
  /** Throws INVALID_INPUT unless `key` is a non-empty string within the key length limit. */
  validateKey(key: unknown): asserts key is string;
  /** Stores any JSON value; STORAGE_FULL (nothing stored) past a limit. */
  set(key: string, value: unknown): MaybePromise<void>;
  /** The value as its JSON text, or `undefined` when the key is not stored. */
  read(key: string): MaybePromise<JsonText | undefined>;
  /** Removes a key; false when it was not stored. */
  delete(key: string): MaybePromise<boolean>;
  /**
   * One page of keys after `cursor` (a decimal string from a previous page, `"0"` to start; INVALID_INPUT
   * when it is not one this store gave), at most about `count` keys and `maxChars` of key text.
   */
  listPage(cursor: string, count: number, maxChars: number): MaybePromise<KeyPage>;
  /** Every key when there are at most `maxKeys` of at most `maxChars` UTF-16 units together. */
  listAll(maxKeys: number, maxChars: number): MaybePromise<AllKeys>;
}

/** The INVALID_INPUT message for a cursor no store gave. */
export const INVALID_CURSOR_MESSAGE = '\'cursor\' must be "0" or the cursor of the previous list_keys reply';

/** Throws INVALID_INPUT unless `key` is a non-empty string of at most `maxKeyBytes` UTF-8 bytes. */
export function validateKey(key: unknown, maxKeyBytes: number): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new ProtocolError(KvErrorCode.INVALID_INPUT, "'key' must be a non-empty string");
  }
  // Cheap bound first: a string's UTF-8 length is at most 3 bytes per UTF-16 unit.
  if (key.length * 3 > maxKeyBytes && Buffer.byteLength(key) > maxKeyBytes) {
    throw new ProtocolError(KvErrorCode.INVALID_INPUT, `'key' is longer than ${maxKeyBytes} bytes`);
  }
}

/** The JSON text a store keeps for `value`; INVALID_INPUT when it has none (`undefined`, a function). */
export function jsonOf(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) {
    throw new ProtocolError(KvErrorCode.INVALID_INPUT, "'value' must be a JSON value");
  }
  return json;
}
