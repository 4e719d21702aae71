import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The bench starts its servers on ports the OS just reported free, as the tests do (no vitest inside).
export { freePort } from '@sockworks/test-utils/ports';

/** Where a load generator connects: a TCP port on loopback or a Unix socket path. */
export type Target = { host: string; port: number } | { path: string };

let socketCounter = 0;
/** A fresh Unix socket path for one benchmark server. */
export function tempSocketPath(tag: string): string {
  return join(tmpdir(), `sw-bench-${process.pid}-${tag}-${socketCounter++}.sock`);
}

/** `net.connect` options for a target. */
export function connectOptions(target: Target): { host: string; port: number } | { path: string } {
  return 'path' in target ? { path: target.path } : { host: target.host, port: target.port };
}
