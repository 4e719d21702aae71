import fs from 'node:fs';
import path from 'node:path';
import { ProtocolError, ServiceErrorCode } from '@sockworks/error-codes';
import type { Logger } from '@sockworks/logging';
import type { KvStore, StoreJournal } from '../store.js';
import {
  type DamagedRegion,
  type DecodedLog,
  decodeLog,
  encodeRecord,
  LOG_MAGIC,
  type LogOp,
  RECORD_HEADER_BYTES,
} from './record.js';

/** When the data file is fsync'ed (Redis `appendfsync` semantics). */
export type FsyncPolicy = 'always' | 'everysec' | 'no';
/** The accepted fsync policies. */
export const FSYNC_POLICIES: readonly FsyncPolicy[] = ['always', 'everysec', 'no'];

/** Options of {@link DataFile.open}. */
export interface DataFileOptions {
  path: string;
  fsync: FsyncPolicy;
  /** Compact (rewrite as a snapshot) once the file passes this size and twice the live data. */
  compactMinBytes: number;
  logger: Logger;
}

// Rough per-record overhead of a live key in the file, for the "mostly garbage" estimate.
const RECORD_OVERHEAD = RECORD_HEADER_BYTES + 10;

/**
 * The append-only journal behind `--data-file`. Mutations are buffered while a batch of requests is
 * processed and written by `flush()`, which the connection calls before it sends the replies: every
 * acknowledged command is in the file (page cache) and survives a crash of the process; `fsync` decides
 * when it also survives a crash of the machine. Each record carries its length and a CRC-32, so a
 * record torn by a crash is detected and dropped on load, never misread.
 */
export class DataFile implements StoreJournal {
  readonly path: string;
  readonly #opts: DataFileOptions;
  readonly #store: KvStore;
  #fd: number;
  #fileBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(opts: DataFileOptions, store: KvStore, fd: number, fileBytes: number) {
    this.path = opts.path;
    this.#opts = opts;
    this.#store = store;
    this.#fd = fd;
    this.#fileBytes = fileBytes;
    if (opts.fsync === 'everysec') {
      this.#timer = setInterval(() => this.#backgroundSync(), 1000);
      this.#timer.unref();
    }
  }

  /** Loads the file into `store` (creating it if missing), drops a torn tail, and journals later changes. */
  static open(store: KvStore, opts: DataFileOptions): DataFile {
    const { logger } = opts;
    let fileBytes: number;
    if (fs.existsSync(opts.path) && !isTornHeader(opts.path)) {
      const decoded = decodeFile(opts.path);
      // Checked before anything is applied or written: a file that did not load cleanly is never
      // truncated, compacted or appended to.
      if (decoded.corruption !== undefined) throw corruptFileError(opts.path, decoded.corruption);
      for (const op of decoded.ops) applyOp(store, op);
      if (decoded.droppedBytes > 0) {
        // Nothing valid follows: this is what a crash in the middle of a write leaves.
        logger.warn(
          { file: opts.path, offset: decoded.validBytes, droppedBytes: decoded.droppedBytes },
          'data file ends with a torn record (no valid record after it); dropping it',
        );
        fs.truncateSync(opts.path, decoded.validBytes);
      }
      fileBytes = decoded.validBytes;
      logger.info({ file: opts.path, records: decoded.ops.length, keys: store.size }, 'data file loaded');
    } else {
      writeFileDurably(opts.path, LOG_MAGIC);
      fileBytes = LOG_MAGIC.length;
      logger.info({ file: opts.path }, 'data file created');
    }
    const dataFile = new DataFile(opts, store, fs.openSync(opts.path, 'a'), fileBytes);
    store.setJournal(dataFile);
    if (dataFile.#shouldCompact()) dataFile.compact();
    return dataFile;
  }

  /** Current size of the file in bytes (after the last flush). */
  get fileBytes(): number {
    return this.#fileBytes;
  }

  /** @internal StoreJournal */
  recordSet(key: string, json: string): void {
    this.#append({ op: 'set', key, json });
  }

  /** @internal StoreJournal */
  recordDelete(key: string): void {
    this.#append({ op: 'delete', key });
  }

  /** Writes buffered records (one write call); with `fsync: always` also fsyncs. Throws on I/O failure. */
  flush(): void {
    if (this.#pendingBytes === 0) return;
    const chunk =
      this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    try {
      writeAll(this.#fd, chunk);
    } catch (err) {
      // Cut off a partial write so later records do not land behind a torn one.
      try {
        fs.ftruncateSync(this.#fd, this.#fileBytes);
      } catch {}
      throw err;
    }
    this.#fileBytes += chunk.length;
    if (this.#opts.fsync === 'always') fs.fsyncSync(this.#fd);
    else this.#dirty = true;
    if (this.#shouldCompact()) this.compact();
  }

  /** Rewrites the file as one record per live key (temp file, fsync, rename, fsync directory). */
  compact(): void {
    this.flush();
    const before = this.#fileBytes;
    const chunks: Buffer[] = [LOG_MAGIC];
    for (const [key, json] of this.#store.entriesJson()) chunks.push(encodeRecord({ op: 'set', key, json }));
    const snapshot = Buffer.concat(chunks);
    const tmp = `${this.path}.compact`;
    writeFileDurably(tmp, snapshot);
    fs.renameSync(tmp, this.path);
    syncDirectory(path.dirname(this.path));
    fs.closeSync(this.#fd);
    this.#fd = fs.openSync(this.path, 'a');
    this.#fileBytes = snapshot.length;
    this.#dirty = false;
    this.#opts.logger.info({ file: this.path, before, after: snapshot.length }, 'data file compacted');
  }

  /** Flushes, fsyncs and closes the file; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#store.setJournal(undefined);
    try {
      this.flush();
      fs.fsyncSync(this.#fd);
    } finally {
      fs.closeSync(this.#fd);
    }
  }

  #append(op: LogOp): void {
    const record = encodeRecord(op);
    this.#pending.push(record);
    this.#pendingBytes += record.length;
  }

  #shouldCompact(): boolean {
    const live = LOG_MAGIC.length + this.#store.totalBytes + this.#store.size * RECORD_OVERHEAD;
    return this.#fileBytes > this.#opts.compactMinBytes && this.#fileBytes > 2 * live;
  }

  #backgroundSync(): void {
    if (!this.#dirty || this.#closed) return;
    this.#dirty = false;
    fs.fsync(this.#fd, (err) => {
      if (err) this.#opts.logger.error({ err, file: this.path }, 'fsync of the data file failed');
    });
  }
}

/** An empty file, or one holding only part of the magic: a crash while the file was being created. */
function isTornHeader(file: string): boolean {
  const size = fs.statSync(file).size;
  if (size >= LOG_MAGIC.length) return false;
  return fs.readFileSync(file).equals(LOG_MAGIC.subarray(0, size));
}

/** Reads and decodes the file; an error names the file. */
function decodeFile(file: string): DecodedLog {
  try {
    return decodeLog(fs.readFileSync(file));
  } catch (err) {
    throw new Error(`data file ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The start-up error for a data file with damage followed by valid records. */
function corruptFileError(file: string, damage: DamagedRegion): ProtocolError {
  return new ProtocolError(
    ServiceErrorCode.DATA_FILE_CORRUPT,
    `data file ${file} is damaged at offset ${damage.offset} (${damage.bytes} unreadable bytes) and has ` +
      `${damage.recordsAfter} valid records after it; refusing to start and leaving the file untouched. ` +
      `Salvage them into a new file with: kv-repair --data-file ${file} --out ${file}.repaired`,
  );
}

function applyOp(store: KvStore, op: LogOp): void {
  try {
    if (op.op === 'set') store.setJson(op.key, op.json);
    else store.delete(op.key);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`data file does not fit the configured limits: ${reason}`);
  }
}

function writeAll(fd: number, chunk: Buffer): void {
  let offset = 0;
  while (offset < chunk.length) offset += fs.writeSync(fd, chunk, offset, chunk.length - offset);
}

function writeFileDurably(file: string, content: Buffer): void {
  const fd = fs.openSync(file, 'w');
  try {
    writeAll(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
