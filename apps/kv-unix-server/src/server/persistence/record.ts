import { crc32 } from 'node:zlib';

/** First bytes of a data file: identifies the format and its version. */
export const LOG_MAGIC = Buffer.from('SWKVLOG1', 'latin1');
/** Bytes before each record's payload: u32 BE payload length, u32 BE CRC-32 of the payload. */
export const RECORD_HEADER_BYTES = 8;

/** One journal operation. */
export type LogOp = { op: 'set'; key: string; json: string } | { op: 'delete'; key: string };

/** The payload of a record: compact JSON, `["s",key,value]` or `["d",key]`. */
export function encodeOpPayload(op: LogOp): string {
  return op.op === 'set' ? `["s",${JSON.stringify(op.key)},${op.json}]` : `["d",${JSON.stringify(op.key)}]`;
}

/** A complete record: header (length, checksum) followed by the payload. */
export function encodeRecord(op: LogOp): Buffer {
  const payload = Buffer.from(encodeOpPayload(op), 'utf8');
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  record.writeUInt32BE(payload.length, 0);
  record.writeUInt32BE(crc32(payload), 4);
  payload.copy(record, RECORD_HEADER_BYTES);
  return record;
}

/** Bytes that hold no valid record, between valid records or at the end of the file. */
export interface DamagedRegion {
  /** Offset of the first unreadable byte. */
  offset: number;
  /** Length of the unreadable stretch. */
  bytes: number;
  /** Valid records found after it (0: a torn tail, what a crash in the middle of a write leaves). */
  recordsAfter: number;
}

/** One valid record found by {@link scanLog}: its operation and where its bytes are. */
export interface ScannedRecord {
  op: LogOp;
  offset: number;
  end: number;
}

/** What reading a data file found. */
export interface DecodedLog {
  /** The records before the first damage (all of them for a clean file or one with only a torn tail). */
  ops: LogOp[];
  /** Offset just past the last valid record before the first damage. */
  validBytes: number;
  /** Bytes after `validBytes` (0 for a clean file). */
  droppedBytes: number;
  /**
   * The first damaged region when valid records follow it: the file is corrupt, not torn, and must not
   * be loaded (dropping the region would silently drop every record after it). `undefined` otherwise.
   */
  corruption: DamagedRegion | undefined;
}

function decodePayload(payload: Buffer): LogOp | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || typeof value[1] !== 'string') return undefined;
  if (value[0] === 's' && value.length === 3)
    return { op: 'set', key: value[1], json: JSON.stringify(value[2]) };
  if (value[0] === 'd' && value.length === 2) return { op: 'delete', key: value[1] };
  return undefined;
}

function hasMagic(file: Buffer): boolean {
  return file.length >= LOG_MAGIC.length && file.subarray(0, LOG_MAGIC.length).equals(LOG_MAGIC);
}

/** The record at `offset` if its header, checksum and payload are all valid. */
function readRecord(file: Buffer, offset: number): ScannedRecord | undefined {
  if (offset + RECORD_HEADER_BYTES > file.length) return undefined;
  const length = file.readUInt32BE(offset);
  const end = offset + RECORD_HEADER_BYTES + length;
  if (end > file.length) return undefined;
  const payload = file.subarray(offset + RECORD_HEADER_BYTES, end);
  if (crc32(payload) !== file.readUInt32BE(offset + 4)) return undefined;
  const op = decodePayload(payload);
  return op === undefined ? undefined : { op, offset, end };
}

// Every payload starts with `["s",` or `["d",`; searching for `["` finds the candidates for a record
// start after damage without trying a checksum at every byte.
const PAYLOAD_START = Buffer.from('["', 'latin1');
const S = 0x73;
const D = 0x64;
const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * The first valid record starting at or after `from`, found by its payload's fixed opening. A false
 * match needs a length that fits the file, a matching CRC-32 and a well-formed payload; payload
 * bytes are JSON text (no bytes below 0x20), so a header cannot hide inside one.
 */
function resync(file: Buffer, from: number): ScannedRecord | undefined {
  let at = file.indexOf(PAYLOAD_START, from + RECORD_HEADER_BYTES);
  while (at !== -1) {
    const kind = file[at + 2];
    if ((kind === S || kind === D) && file[at + 3] === QUOTE && file[at + 4] === COMMA) {
      const record = readRecord(file, at - RECORD_HEADER_BYTES);
      if (record !== undefined) return record;
    }
    at = file.indexOf(PAYLOAD_START, at + 1);
  }
  return undefined;
}

/**
 * Walks a whole data file: calls `onRecord` for every valid record in file order, and returns the
 * damaged regions between them. After a record that is incomplete or fails its checksum it looks for
 * the next valid record, so damage in the middle of the file is told apart from a torn tail.
 */
export function scanLog(file: Buffer, onRecord: (record: ScannedRecord) => void): DamagedRegion[] {
  const damaged: DamagedRegion[] = [];
  let records = 0;
  const recordsBefore: number[] = [];
  // A damaged magic is damage like any other when valid records follow it (the loop reports it as a
  // region at offset 0); with no valid record at all this is not a data file.
  const magic = hasMagic(file);
  let offset = magic ? LOG_MAGIC.length : 0;
  while (offset < file.length) {
    let record = readRecord(file, offset);
    if (record === undefined) {
      record = resync(file, offset + 1);
      const next = record?.offset ?? file.length;
      damaged.push({ offset, bytes: next - offset, recordsAfter: 0 });
      recordsBefore.push(records);
      if (record === undefined) break;
    }
    onRecord(record);
    records++;
    offset = record.end;
  }
  if (!magic && records === 0) throw new Error('not a kv-unix-server data file (bad magic)');
  for (const [i, region] of damaged.entries()) region.recordsAfter = records - recordsBefore[i]!;
  return damaged;
}

/**
 * Reads the records of a data file up to the first damage. A damaged region with no valid record
 * after it is a torn tail (`droppedBytes`); one followed by valid records is `corruption`.
 */
export function decodeLog(file: Buffer): DecodedLog {
  const ops: LogOp[] = [];
  let validBytes = LOG_MAGIC.length;
  let contiguous = true;
  const regions = scanLog(file, (record) => {
    // A record that does not start where the previous one ended comes after damage.
    contiguous &&= record.offset === validBytes;
    if (!contiguous) return;
    ops.push(record.op);
    validBytes = record.end;
  });
  const damage = regions[0];
  return {
    ops,
    validBytes,
    droppedBytes: file.length - validBytes,
    corruption: damage !== undefined && damage.recordsAfter > 0 ? damage : undefined,
  };
}
