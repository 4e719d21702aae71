import fs from 'node:fs';
import path from 'node:path';
import { ProtocolError, ServiceErrorCode } from '@sockworks/error-codes';
import type { Logger } from '@sockworks/logging';
import { syncDirectory, writeAll, writeFileDurably } from '@sockworks/service';
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
/** Snapshot bytes a background compaction writes per event-loop turn. */
const REWRITE_SLICE_BYTES = 1024 * 1024;

/** A background compaction in progress (see `#startRewrite`). */
interface Rewrite {
  readonly tmp: string;
  readonly fd: number;
  /** Live view of the store: entries changed meanwhile may show either value; `tail` settles them. */
  readonly entries: IterableIterator<[string, string]>;
  /** Every chunk appended to the old file since the rewrite began, replayed after the snapshot. */
  tail: Buffer[];
  bytes: number;
  aborted: boolean;
  readonly done: Promise<void>;
  finish: () => void;
}

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
  #rewrite: Rewrite | undefined;
  /** Off after a background compaction failed (logged), so a full disk is not retried on every write. */
  #autoCompact = true;

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
    this.#rewrite?.tail.push(chunk);
    if (this.#opts.fsync === 'always') fs.fsyncSync(this.#fd);
    else this.#dirty = true;
    if (this.#rewrite === undefined && this.#autoCompact && this.#shouldCompact()) this.#startRewrite();
  }

  /** True while a background compaction runs. */
  get compacting(): boolean {
    return this.#rewrite !== undefined;
  }

  /** Resolves once no background compaction is running. */
  async compaction(): Promise<void> {
    while (this.#rewrite !== undefined) await this.#rewrite.done;
  }

  /**
   * Rewrites the file as one record per live key (temp file, fsync, rename, fsync directory), at once:
   * for the start-up (nothing is served yet) and tools. While serving, `flush()` compacts in the
   * background instead, a slice per event-loop turn, because a synchronous rewrite of a large store
   * holds every client for seconds.
   */
  compact(): void {
    this.#abortRewrite();
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
    this.#abortRewrite();
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

  /**
   * Starts a background compaction: the snapshot is written from a live iterator over the store a
   * slice per turn, while writes go on to the old file and are kept in `tail`; the tail is appended
   * after the snapshot (replaying it over any mix of old and new values gives the current state),
   * then the file is fsynced and renamed over the old one. Any failure leaves the old file in use.
   */
  #startRewrite(): void {
    const tmp = `${this.path}.compact`;
    let fd: number;
    try {
      fd = fs.openSync(tmp, 'w');
      writeAll(fd, LOG_MAGIC);
    } catch (err) {
      this.#rewriteFailed(err, tmp, undefined);
      return;
    }
    let finish = (): void => {};
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const rewrite: Rewrite = {
      tmp,
      fd,
      entries: this.#store.entriesJson(),
      tail: [],
      bytes: LOG_MAGIC.length,
      aborted: false,
      done,
      finish,
    };
    this.#rewrite = rewrite;
    setImmediate(() => this.#rewriteStep(rewrite));
  }

  #rewriteStep(rewrite: Rewrite): void {
    if (rewrite.aborted) return;
    try {
      const slice: Buffer[] = [];
      let sliceBytes = 0;
      let next = rewrite.entries.next();
      while (!next.done) {
        const record = encodeRecord({ op: 'set', key: next.value[0], json: next.value[1] });
        slice.push(record);
        sliceBytes += record.length;
        if (sliceBytes >= REWRITE_SLICE_BYTES) break;
        next = rewrite.entries.next();
      }
      if (sliceBytes > 0) writeAll(rewrite.fd, Buffer.concat(slice, sliceBytes));
      rewrite.bytes += sliceBytes;
      if (!next.done) {
        setImmediate(() => this.#rewriteStep(rewrite));
        return;
      }
      this.#writeTail(rewrite);
    } catch (err) {
      this.#rewriteFailed(err, rewrite.tmp, rewrite);
      return;
    }
    // The bulk of the file is flushed to disk off the event loop; what arrives meanwhile is small.
    fs.fsync(rewrite.fd, (err) => {
      if (rewrite.aborted) return;
      if (err) {
        this.#rewriteFailed(err, rewrite.tmp, rewrite);
        return;
      }
      try {
        this.#writeTail(rewrite);
        fs.fsyncSync(rewrite.fd);
        const before = this.#fileBytes;
        fs.renameSync(rewrite.tmp, this.path);
        syncDirectory(path.dirname(this.path));
        fs.closeSync(this.#fd);
        this.#fd = rewrite.fd;
        this.#fileBytes = rewrite.bytes;
        this.#dirty = false;
        this.#rewrite = undefined;
        rewrite.finish();
        this.#opts.logger.info(
          { file: this.path, before, after: rewrite.bytes },
          'data file compacted (background)',
        );
      } catch (renameErr) {
        this.#rewriteFailed(renameErr, rewrite.tmp, rewrite);
      }
    });
  }

  #writeTail(rewrite: Rewrite): void {
    for (const chunk of rewrite.tail) {
      writeAll(rewrite.fd, chunk);
      rewrite.bytes += chunk.length;
    }
    rewrite.tail = [];
  }

  #rewriteFailed(err: unknown, tmp: string, rewrite: Rewrite | undefined): void {
    this.#autoCompact = false;
    this.#opts.logger.error(
      { err, file: this.path },
      'background compaction failed; the data file stays as it is (compaction off until restart)',
    );
    if (rewrite !== undefined) this.#abortRewrite();
    else fs.rmSync(tmp, { force: true });
  }

  #abortRewrite(): void {
    const rewrite = this.#rewrite;
    if (rewrite === undefined) return;
    this.#rewrite = undefined;
    rewrite.aborted = true;
    try {
      fs.closeSync(rewrite.fd);
    } catch {}
    fs.rmSync(rewrite.tmp, { force: true });
    rewrite.finish();
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
