import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadTarget } from '@sockworks/loadgen';

/** Where a load generator connects: a TCP port on loopback or a Unix socket path. */
export type Target = LoadTarget;

/** A TCP port on 127.0.0.1 that the OS reported free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let socketCounter = 0;
/** A fresh Unix socket path for one benchmark server. */
export function tempSocketPath(tag: string): string {
  return join(tmpdir(), `sw-bench-${process.pid}-${tag}-${socketCounter++}.sock`);
}
