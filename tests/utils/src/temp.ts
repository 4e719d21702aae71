/** Temp directories that are removed after the test (or file) however it ends. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerCleanup } from './cleanup.js';

/**
 * A fresh directory under the OS temp dir, removed with everything in it after the current test
 * (outside a test: after the current file; at the latest when the worker exits). Keep `prefix` short:
 * a Unix socket path must stay under 108 bytes.
 */
export function tempDir(prefix = 'sw-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  registerCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A socket path in a fresh {@link tempDir} (removed after the test), well under the 108-byte limit. */
export function tempSocketPath(prefix = 'sw-'): string {
  return join(tempDir(prefix), 's.sock');
}
