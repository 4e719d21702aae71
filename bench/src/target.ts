import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadTarget } from '@sockworks/loadgen';

// The bench starts its servers on ports the OS just reported free, as the tests do (no vitest inside).
export { freePort } from '@sockworks/test-utils/ports';

/** Where a load generator connects: a TCP port on loopback or a Unix socket path. */
export type Target = LoadTarget;

let socketCounter = 0;
/** A fresh Unix socket path for one benchmark server. */
export function tempSocketPath(tag: string): string {
  return join(tmpdir(), `sw-bench-${process.pid}-${tag}-${socketCounter++}.sock`);
}
