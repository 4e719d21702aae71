import { KvErrorCode, ProtocolError } from '@sockworks/error-codes';

/** Limits of a {@link KvStore}. */
export interface KvStoreLimits {
  /** Longest key in UTF-8 bytes. */
  maxKeyBytes: number;
  /** Most keys held at once. */
  maxKeys: number;
  /** Most bytes held at once: UTF-8 bytes of every key plus its value's JSON text. */
  maxTotalBytes: number;
}

/** Receives every mutation after it was validated, before it is applied (the durability hook). */
export interface StoreJournal {
  recordSet(key: string, json: string): void;
  recordDelete(key: string): void;
}

interface Entry {
  json: string;
  bytes: number;
}

/**
 * The key-value storage: a `Map`, so `__proto__`, `constructor` and `toString` are ordinary keys.
 * Values are kept as their JSON text, which is what replies and the journal need, and what the
 * byte limit counts.
 */
export class KvStore {
  readonly limits: KvStoreLimits;
  #entries = new Map<string, Entry>();
  #totalBytes = 0;
  #journal: StoreJournal | undefined;

  constructor(limits: KvStoreLimits) {
    this.limits = limits;
  }

  /** Number of keys held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Bytes held (keys plus value JSON, UTF-8). */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  /** Attaches (or detaches) the journal that sees every later mutation. */
  setJournal(journal: StoreJournal | undefined): void {
    this.#journal = journal;
  }

  /** Throws INVALID_INPUT unless `key` is a non-empty string within the key length limit. */
  validateKey(key: unknown): asserts key is string {
    if (typeof key !== 'string' || key.length === 0) {
      throw new ProtocolError(KvErrorCode.INVALID_INPUT, "'key' must be a non-empty string");
    }
    // Cheap bound first: a string's UTF-8 length is at most 3 bytes per UTF-16 unit.
    if (key.length * 3 > this.limits.maxKeyBytes && Buffer.byteLength(key) > this.limits.maxKeyBytes) {
      throw new ProtocolError(
        KvErrorCode.INVALID_INPUT,
        `'key' is longer than ${this.limits.maxKeyBytes} bytes`,
      );
    }
  }

  /** Stores `value` (any JSON value); throws INVALID_INPUT / STORAGE_FULL and then stores nothing. */
  set(key: string, value: unknown): void {
    const json = JSON.stringify(value);
    if (json === undefined) {
      throw new ProtocolError(KvErrorCode.INVALID_INPUT, "'value' must be a JSON value");
    }
    this.setJson(key, json);
  }

  /** Stores a value given as JSON text (trusted to be valid JSON). */
  setJson(key: string, json: string): void {
    this.validateKey(key);
    const bytes = Buffer.byteLength(key) + Buffer.byteLength(json);
    const previous = this.#entries.get(key);
    if (previous === undefined && this.#entries.size >= this.limits.maxKeys) {
      throw new ProtocolError(
        KvErrorCode.STORAGE_FULL,
        `Storage is full: at most ${this.limits.maxKeys} keys; nothing stored`,
      );
    }
    const total = this.#totalBytes - (previous?.bytes ?? 0) + bytes;
    if (total > this.limits.maxTotalBytes) {
      throw new ProtocolError(
        KvErrorCode.STORAGE_FULL,
        `Storage is full: at most ${this.limits.maxTotalBytes} bytes; nothing stored`,
      );
    }
    this.#journal?.recordSet(key, json);
    this.#entries.set(key, { json, bytes });
    this.#totalBytes = total;
  }

  /** The value's JSON text, or `undefined` when the key is not stored. */
  getJson(key: string): string | undefined {
    return this.#entries.get(key)?.json;
  }

  /** The value (parsed from its JSON text), or `undefined` when the key is not stored. */
  get(key: string): unknown {
    const json = this.getJson(key);
    return json === undefined ? undefined : JSON.parse(json);
  }

  /** True when the key is stored. */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** Removes a key; false when it was not stored. */
  delete(key: string): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#journal?.recordDelete(key);
    this.#entries.delete(key);
    this.#totalBytes -= entry.bytes;
    return true;
  }

  /** Every key, in insertion order. */
  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** Every entry as `[key, json]`, in insertion order (for snapshots). */
  *entriesJson(): IterableIterator<[string, string]> {
    for (const [key, entry] of this.#entries) yield [key, entry.json];
  }
}
