import fs from 'node:fs';
import path from 'node:path';

/** Writes all of `chunk` at the file's position (a short write is continued, not lost). */
export function writeAll(fd: number, chunk: Buffer): void {
  let offset = 0;
  while (offset < chunk.length) offset += fs.writeSync(fd, chunk, offset, chunk.length - offset);
}

/** Creates (or truncates) `file` with `content` and fsyncs it before returning. */
export function writeFileDurably(file: string, content: Buffer): void {
  const fd = fs.openSync(file, 'w');
  try {
    writeAll(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Fsyncs a directory, so a file created or renamed in it survives a crash of the machine. */
export function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Replaces `file` with `chunks` so that a crash at any moment leaves the old file or the new one,
 * never a mix: the chunks go to `<file>.tmp`, which is fsynced, renamed over `file`, and the
 * directory fsynced. On failure the temporary file is removed and `file` is untouched. Returns the
 * bytes written.
 */
export function replaceFileDurably(file: string, chunks: Iterable<Buffer>): number {
  const tmp = `${file}.tmp`;
  let bytes = 0;
  const fd = fs.openSync(tmp, 'w');
  try {
    for (const chunk of chunks) {
      writeAll(fd, chunk);
      bytes += chunk.length;
    }
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  syncDirectory(path.dirname(file));
  return bytes;
}
