import { KvErrorCode, ProtocolError } from '@sockworks/error-codes';
import { JsonText } from './json-text.js';
import {
  type AllKeys,
  INVALID_CURSOR_MESSAGE,
  jsonOf,
  type KeyPage,
  type KvStorage,
  validateKey,
} from './kv-storage.js';

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
  readonly key: string;
  json: string;
  bytes: number;
  /** Insertion number: fixed while the key is stored, so it can serve as a scan cursor. */
  readonly seq: number;
  live: boolean;
}

/** One page of {@link KvStore.scan}. */
export interface ScanPage {
  keys: string[];
  /** Pass it back to continue; 0 when the scan is complete. */
  cursor: number;
}

/** Compact the scan order once this many deleted entries are in it (and they are half of it). */
const MIN_HOLES_TO_COMPACT = 1024;

/**
 * The key-value storage: a `Map`, so `__proto__`, `constructor` and `toString` are ordinary keys.
 * Every value is kept as its JSON text (see {@link JsonText}): what the byte limit counts, what the
 * journal writes, and what a read returns.
 */
export class KvStore implements KvStorage {
  readonly limits: KvStoreLimits;
  #entries = new Map<string, Entry>();
  /**
   * Entries in insertion (`seq`) order, deleted ones included until the next compaction: `scan` finds
   * where a cursor resumes by binary search. A Map cannot resume iteration at a key.
   */
  #order: Entry[] = [];
  #holes = 0;
  #nextSeq = 1;
  #totalBytes = 0;
  #keyChars = 0;
  #journal: StoreJournal | undefined;

  constructor(limits: KvStoreLimits) {
    this.limits = limits;
  }

  /** Number of keys held. */
  get size(): number {
    return this.#entries.size;
  }

  /** {@link size}, as {@link KvStorage} asks for it. */
  keyCount(): number {
    return this.#entries.size;
  }

  /** UTF-16 length of every key together: what listing them all would cost, known without a walk. */
  get keyChars(): number {
    return this.#keyChars;
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
    validateKey(key, this.limits.maxKeyBytes);
  }

  /** Stores `value` (any JSON value); throws INVALID_INPUT / STORAGE_FULL and then stores nothing. */
  set(key: string, value: unknown): void {
    this.setJson(key, jsonOf(value));
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
    if (previous === undefined) {
      const entry: Entry = { key, json, bytes, seq: this.#nextSeq++, live: true };
      this.#entries.set(key, entry);
      this.#order.push(entry);
      this.#keyChars += key.length;
    } else {
      // An overwrite keeps the key's place (and seq), as a Map does: a scan in progress still sees it once.
      previous.json = json;
      previous.bytes = bytes;
    }
    this.#totalBytes = total;
  }

  /** The value as it is held (its JSON text), or `undefined` when the key is not stored. */
  read(key: string): JsonText | undefined {
    const entry = this.#entries.get(key);
    return entry === undefined ? undefined : new JsonText(entry.json);
  }

  /** The value (parsed from its JSON text), or `undefined` when the key is not stored. */
  get(key: string): unknown {
    const json = this.#entries.get(key)?.json;
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
    this.#keyChars -= key.length;
    entry.live = false;
    // The scan order keeps the entry until its next compaction; the value need not wait with it.
    entry.json = '';
    if (++this.#holes >= MIN_HOLES_TO_COMPACT && this.#holes * 2 > this.#order.length) {
      // Amortised O(1) per delete; seqs do not change, so cursors stay valid.
      this.#order = this.#order.filter((e) => e.live);
      this.#holes = 0;
    }
    return true;
  }

  /**
   * Up to `count` keys (and about `maxChars` UTF-16 units of them; at least one key) inserted after
   * `cursor`, in insertion order, like Redis SCAN: a key stored for the whole scan is returned exactly
   * once, whatever is inserted, overwritten or deleted meanwhile; a key added during the scan may or may
   * not be. Cost is the page, not the keyspace.
   */
  scan(cursor: number, count: number, maxChars: number): ScanPage {
    const order = this.#order;
    // First entry with seq > cursor.
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (order[mid]!.seq <= cursor) lo = mid + 1;
      else hi = mid;
    }
    const keys: string[] = [];
    let chars = 0;
    let i = lo;
    let last = cursor;
    for (; i < order.length && keys.length < count && (chars < maxChars || keys.length === 0); i++) {
      const entry = order[i]!;
      if (!entry.live) continue;
      keys.push(entry.key);
      chars += entry.key.length;
      last = entry.seq;
    }
    while (i < order.length && !order[i]!.live) i++;
    return { keys, cursor: i < order.length ? last : 0 };
  }

  /** {@link scan} behind the protocol's string cursor (an insertion number, at most 15 digits). */
  listPage(cursor: string, count: number, maxChars: number): KeyPage {
    if (!/^\d{1,15}$/.test(cursor))
      throw new ProtocolError(KvErrorCode.INVALID_INPUT, INVALID_CURSOR_MESSAGE);
    const page = this.scan(Number(cursor), count, maxChars);
    return { keys: page.keys, cursor: String(page.cursor) };
  }

  /** Every key when they fit, known from the counters before any walk. */
  listAll(maxKeys: number, maxChars: number): AllKeys {
    if (this.size > maxKeys || this.keyChars > maxChars) {
      return { fits: false, size: this.size, chars: this.keyChars };
    }
    return { fits: true, keys: this.scan(0, maxKeys, Number.POSITIVE_INFINITY).keys };
  }

  /** Every key, in insertion order (unbounded: for tests and tools; the protocol uses `scan`). */
  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** Every entry as `[key, json]`, in insertion order (for snapshots). */
  *entriesJson(): IterableIterator<[string, string]> {
    for (const [key, entry] of this.#entries) yield [key, entry.json];
  }
}
