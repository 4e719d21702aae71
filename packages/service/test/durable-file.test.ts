import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replaceFileDurably, syncDirectory, writeFileDurably } from '../src/durable-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sw-durable-'));
  dirs.push(d);
  return d;
}

describe('durable file writes', () => {
  it('writeFileDurably creates or truncates a file with the content', () => {
    const file = join(dir(), 'a');
    writeFileDurably(file, Buffer.from('first, longer'));
    writeFileDurably(file, Buffer.from('second'));
    expect(readFileSync(file, 'utf8')).toBe('second');
    expect(() => syncDirectory(dir())).not.toThrow();
  });

  it('replaceFileDurably swaps in the new content and leaves no temporary file', () => {
    const d = dir();
    const file = join(d, 'log');
    writeFileSync(file, 'old');
    expect(replaceFileDurably(file, [Buffer.from('new '), Buffer.from('content')])).toBe(11);
    expect(readFileSync(file, 'utf8')).toBe('new content');
    expect(readdirSync(d)).toEqual(['log']);
  });

  it('a failure while writing leaves the old file untouched and removes the temporary one', () => {
    const d = dir();
    const file = join(d, 'log');
    writeFileSync(file, 'old');
    function* failing(): Generator<Buffer> {
      yield Buffer.from('partial');
      throw new Error('disk full');
    }
    expect(() => replaceFileDurably(file, failing())).toThrow('disk full');
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });
});
