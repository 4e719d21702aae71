// rpc-websockets ships types, but the exports map of its package.json does not lead to them, so
// TypeScript cannot find them; this declares the part the bench uses (its dist/index.d.ts agrees).
declare module 'rpc-websockets' {
  import type { EventEmitter } from 'node:events';
  import type { ServerOptions } from 'ws';

  export class Server extends EventEmitter {
    constructor(options: ServerOptions);
    register(name: string, fn: (params: unknown, socketId: string) => unknown, ns?: string): unknown;
  }
}
