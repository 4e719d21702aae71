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

/** What reading a data file found. */
export interface DecodedLog {
  ops: LogOp[];
  /** Offset just past the last valid record: everything after it is a torn or corrupt tail. */
  validBytes: number;
  /** Bytes after `validBytes` (0 for a clean file). */
  droppedBytes: number;
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

/**
 * Reads every valid record after the magic. Stops at the first record that is incomplete or fails its
 * checksum: a crash can only tear the last write, so what follows is never trusted.
 */
export function decodeLog(file: Buffer): DecodedLog {
  if (file.length < LOG_MAGIC.length || !file.subarray(0, LOG_MAGIC.length).equals(LOG_MAGIC)) {
    throw new Error('not a kv-unix-server data file (bad magic)');
  }
  const ops: LogOp[] = [];
  let offset = LOG_MAGIC.length;
  while (offset + RECORD_HEADER_BYTES <= file.length) {
    const length = file.readUInt32BE(offset);
    const end = offset + RECORD_HEADER_BYTES + length;
    if (end > file.length) break;
    const payload = file.subarray(offset + RECORD_HEADER_BYTES, end);
    if (crc32(payload) !== file.readUInt32BE(offset + 4)) break;
    const op = decodePayload(payload);
    if (op === undefined) break;
    ops.push(op);
    offset = end;
  }
  return { ops, validBytes: offset, droppedBytes: file.length - offset };
}
