import fs from 'node:fs';
import { writeAll } from '@sockworks/service';
import { type DamagedRegion, LOG_MAGIC, scanLog } from './record.js';

/** What {@link checkDataFile} / {@link repairDataFile} found. */
export interface RepairReport {
  /** Valid records in the input (all of them are kept by a repair). */
  records: number;
  /** Unreadable stretches, in file order; the last one may be a torn tail (`recordsAfter: 0`). */
  damaged: DamagedRegion[];
  /** True when damage is followed by valid records: the server refuses to start on this file. */
  corrupt: boolean;
  /** Bytes of the input. */
  inputBytes: number;
  /** Bytes written to the output (0 for a check). */
  outputBytes: number;
}

function report(file: Buffer, records: number, damaged: DamagedRegion[], outputBytes: number): RepairReport {
  return {
    records,
    damaged,
    corrupt: damaged.some((region) => region.recordsAfter > 0),
    inputBytes: file.length,
    outputBytes,
  };
}

/** Reads a data file and reports its damage without writing anything. */
export function checkDataFile(input: string): RepairReport {
  const file = fs.readFileSync(input);
  let records = 0;
  const damaged = scanLog(file, () => {
    records++;
  });
  return report(file, records, damaged, 0);
}

/**
 * Copies every valid record of `input` (those after damage too) into a new file `output`, skipping
 * the damaged bytes; like `redis-check-aof --fix`, but never in place: `output` must not exist, and
 * the input is only read. The new file is fsynced before this returns.
 */
export function repairDataFile(input: string, output: string): RepairReport {
  const file = fs.readFileSync(input);
  const chunks: Buffer[] = [LOG_MAGIC];
  let bytes = LOG_MAGIC.length;
  const damaged = scanLog(file, (record) => {
    // Records are copied byte for byte: they passed their checksum, so there is nothing to re-encode.
    chunks.push(file.subarray(record.offset, record.end));
    bytes += record.end - record.offset;
  });
  // 'wx': fails with EEXIST instead of replacing a file (the input, or an earlier repair).
  const fd = fs.openSync(output, 'wx');
  try {
    for (const chunk of chunks) writeAll(fd, chunk);
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(output, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  return report(file, chunks.length - 1, damaged, bytes);
}
