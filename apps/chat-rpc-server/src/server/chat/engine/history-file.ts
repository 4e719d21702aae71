import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { ProtocolError, ServiceErrorCode } from '@sockworks/error-codes';
import type { Logger } from '@sockworks/logging';
import { replaceFileDurably, syncDirectory, writeAll, writeFileDurably } from '@sockworks/service';
import { compareMessageIds, parseMessageId } from '../message-id.js';
import type { StoredMessage } from './types.js';

/** First line of a history file: names the format and its version. */
export const HISTORY_FILE_HEADER = '# sockworks chat history v1\n';
/** The file is rewritten once it is this large and over twice the live history. */
export const HISTORY_COMPACT_MIN_BYTES = 16 * 1024 * 1024;
// A record holds at most a few KiB (1000 code points of message, 50 of name and room, JSON escapes).
const MAX_LINE_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/** One line of the file: the CRC-32 of the JSON in 8 hex digits, a space, the JSON, a newline. */
export function encodeHistoryLine(message: StoredMessage): Buffer {
  const json = Buffer.from(
    JSON.stringify({
      room: message.room,
      id: message.id,
      username: message.username,
      message: message.message,
      timestamp: message.timestamp,
    }),
    'utf8',
  );
  const line = Buffer.allocUnsafe(json.length + 10);
  line.write(crc32(json).toString(16).padStart(8, '0'), 0, 'latin1');
  line[8] = 0x20;
  json.copy(line, 9);
  line[line.length - 1] = NEWLINE;
  return line;
}

/** The message of one line (without its newline), or undefined when the line is damaged. */
export function decodeHistoryLine(line: Buffer): StoredMessage | undefined {
  if (line.length < 10 || line.length > MAX_LINE_BYTES || line[8] !== 0x20) return undefined;
  const crc = line.toString('latin1', 0, 8);
  if (!/^[0-9a-f]{8}$/.test(crc)) return undefined;
  const json = line.subarray(9);
  if (crc32(json) !== Number.parseInt(crc, 16)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (
    typeof v.room !== 'string' ||
    typeof v.id !== 'string' ||
    parseMessageId(v.id) === undefined ||
    typeof v.username !== 'string' ||
    typeof v.message !== 'string' ||
    typeof v.timestamp !== 'number'
  )
    return undefined;
  return {
    type: 'chat',
    room: v.room,
    id: v.id,
    username: v.username,
    message: v.message,
    timestamp: v.timestamp,
  };
}

/** What reading a history file found. */
export interface LoadedHistory {
  /** Valid records in file order (ids increasing). */
  messages: StoredMessage[];
  /** File bytes of each record, by index. */
  sizes: number[];
}

/**
 * The append-only log behind `--history-file`. Every stored message is written (one `write`) before
 * the method that stored it answers, so a crash of the process loses nothing acknowledged; the file
 * is fsynced once a second (a crash of the machine loses at most that second). Each line carries the
 * CRC-32 of its JSON, so a line torn by a crash is found and dropped on load, never misread; damage
 * with valid lines after it stops the start instead (dropping it would drop them silently).
 */
export class HistoryFile {
  readonly path: string;
  readonly #log: Logger;
  #fd: number;
  #bytes: number;
  #dirty = false;
  #closed = false;
  readonly #timer: NodeJS.Timeout;

  private constructor(file: string, fd: number, bytes: number, logger: Logger) {
    this.path = file;
    this.#fd = fd;
    this.#bytes = bytes;
    this.#log = logger;
    this.#timer = setInterval(() => this.#backgroundSync(), 1000);
    this.#timer.unref();
  }

  /**
   * Opens (or creates) the file and reads its records. A torn last line is cut off with a warning;
   * damage followed by valid lines throws DATA_FILE_CORRUPT and leaves the file as it is.
   */
  static open(file: string, logger: Logger): { file: HistoryFile; loaded: LoadedHistory } {
    const header = Buffer.from(HISTORY_FILE_HEADER, 'latin1');
    let content: Buffer | undefined;
    try {
      content = fs.readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    // Missing, empty, or a header cut short: a crash while the file was being created.
    if (content === undefined || header.subarray(0, content.length).equals(content)) {
      writeFileDurably(file, header);
      syncDirectory(path.dirname(file));
      logger.info({ file }, 'history file created');
      return { file: new HistoryFile(file, fs.openSync(file, 'a'), header.length, logger), loaded: empty() };
    }
    if (!content.subarray(0, header.length).equals(header))
      throw new Error(
        `history file ${file}: not a chat history file (its first line is not "${HISTORY_FILE_HEADER.trim()}")`,
      );
    const { loaded, validBytes } = scan(file, content, header.length);
    if (validBytes < content.length) {
      logger.warn(
        { file, offset: validBytes, droppedBytes: content.length - validBytes },
        'history file ends with a torn record (no valid record after it); dropping it',
      );
      fs.truncateSync(file, validBytes);
    }
    logger.info({ file, records: loaded.messages.length }, 'history file loaded');
    return { file: new HistoryFile(file, fs.openSync(file, 'a'), validBytes, logger), loaded };
  }

  /** Current size of the file in bytes. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends one record (written before this returns); returns its size. Throws on I/O failure. */
  append(line: Buffer): number {
    try {
      writeAll(this.#fd, line);
    } catch (err) {
      // Cut off a partial write so the next record does not land behind a torn one.
      try {
        fs.ftruncateSync(this.#fd, this.#bytes);
      } catch {}
      throw err;
    }
    this.#bytes += line.length;
    this.#dirty = true;
    return line.length;
  }

  /** Whether the file is large enough, and mostly dropped records, to be worth rewriting. */
  shouldCompact(liveBytes: number): boolean {
    return (
      this.#bytes > HISTORY_COMPACT_MIN_BYTES && this.#bytes > 2 * (liveBytes + HISTORY_FILE_HEADER.length)
    );
  }

  /**
   * Rewrites the file as `lines` (the live history): a temporary file, fsynced, renamed over this
   * one, and the directory fsynced, so a crash leaves the old file or the new one, never a mix.
   */
  rewrite(lines: Iterable<Buffer>): void {
    const before = this.#bytes;
    const bytes = replaceFileDurably(this.path, withHeader(lines));
    fs.closeSync(this.#fd);
    this.#fd = fs.openSync(this.path, 'a');
    this.#bytes = bytes;
    this.#dirty = false;
    this.#log.info({ file: this.path, before, after: bytes }, 'history file compacted');
  }

  /** Fsyncs and closes the file; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    try {
      fs.fsyncSync(this.#fd);
    } finally {
      fs.closeSync(this.#fd);
    }
  }

  #backgroundSync(): void {
    if (!this.#dirty || this.#closed) return;
    this.#dirty = false;
    fs.fsync(this.#fd, (err) => {
      if (err) this.#log.error({ err, file: this.path }, 'fsync of the history file failed');
    });
  }
}

function* withHeader(lines: Iterable<Buffer>): Generator<Buffer> {
  yield Buffer.from(HISTORY_FILE_HEADER, 'latin1');
  yield* lines;
}

function empty(): LoadedHistory {
  return { messages: [], sizes: [] };
}

/**
 * Reads the records after the header. A damaged line (bad checksum, not a record, an id not after
 * the previous one, no newline) ends the valid part; if any valid line follows, the file is corrupt.
 */
function scan(file: string, content: Buffer, start: number): { loaded: LoadedHistory; validBytes: number } {
  const loaded = empty();
  let offset = start;
  let line = 1;
  let lastId: string | undefined;
  while (offset < content.length) {
    const nl = content.indexOf(NEWLINE, offset);
    const message = nl === -1 ? undefined : decodeHistoryLine(content.subarray(offset, nl));
    const inOrder =
      message !== undefined && (lastId === undefined || compareMessageIds(message.id, lastId) > 0);
    if (message === undefined || !inOrder || nl === -1) {
      const after = countValidLines(content, offset + 1);
      if (after > 0) throw corruptFileError(file, line + 1, offset, after);
      return { loaded, validBytes: offset };
    }
    loaded.messages.push(message);
    loaded.sizes.push(nl + 1 - offset);
    lastId = message.id;
    offset = nl + 1;
    line++;
  }
  return { loaded, validBytes: offset };
}

// Every record is "<8 hex digits> {...": where this follows damage, a record may start 8 bytes before.
const RECORD_OPENING = Buffer.from(' {', 'latin1');

/**
 * Valid records that start at or after `from`, found by their opening rather than at line starts:
 * damage may have eaten a newline and glued a good record onto a bad one. A false match needs a
 * line whose CRC-32 matches, so text inside a message cannot pass for a record.
 */
function countValidLines(content: Buffer, from: number): number {
  let count = 0;
  let at = content.indexOf(RECORD_OPENING, from + 8);
  while (at !== -1) {
    const nl = content.indexOf(NEWLINE, at);
    if (nl === -1) break;
    if (decodeHistoryLine(content.subarray(at - 8, nl)) !== undefined) {
      count++;
      at = content.indexOf(RECORD_OPENING, nl + 1 + 8);
    } else {
      at = content.indexOf(RECORD_OPENING, at + 1);
    }
  }
  return count;
}

/** The start-up error for a history file with damage followed by valid records. */
function corruptFileError(file: string, line: number, offset: number, after: number): ProtocolError {
  return new ProtocolError(
    ServiceErrorCode.DATA_FILE_CORRUPT,
    `history file ${file} is damaged at line ${line} (byte offset ${offset}) and has ${after} valid ` +
      'records after it; refusing to start and leaving the file untouched. Delete the damaged line ' +
      '(or move the file away) and start again',
  );
}
