import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@sockworks/logging';
import { defaultLogger } from './default-logger.js';
import { releaseSocketFile } from './listen.js';
import { NET_SERVICE_DEFAULTS } from './net-service.js';

/** Options of {@link closeHttpServer}. */
export interface CloseHttpServerOptions {
  /** Drain deadline; then `closeAllConnections()`. @default 10000 */
  timeoutMs?: number;
  /** @default silent */
  logger?: Logger;
  /** Called at the deadline after `closeAllConnections()`, to destroy sockets Node no longer tracks (upgrades). */
  onDeadline?(): void;
}

/** How often idle keep-alive sockets are swept while draining (they turn idle as responses finish). */
const IDLE_SWEEP_MS = 50;

const closing = new WeakMap<HttpServer, Promise<void>>();

/**
 * Gracefully closes an `http.Server`: stops accepting, closes idle keep-alive sockets at once, lets
 * in-flight requests finish (their responses carry `Connection: close`), calls `closeAllConnections()`
 * after `timeoutMs`, and resolves after the server's 'close' event (so a Unix socket file set up by
 * `listen()` is gone). Idempotent per server: a second call returns the same promise.
 * Upgraded (WebSocket) sockets are not HTTP connections any more; use `trackHttpServer` for those.
 */
export function closeHttpServer(server: HttpServer, options: CloseHttpServerOptions = {}): Promise<void> {
  let promise = closing.get(server);
  if (promise === undefined) {
    promise = drain(server, options);
    closing.set(server, promise);
  }
  return promise;
}

async function drain(server: HttpServer, options: CloseHttpServerOptions): Promise<void> {
  const logger = options.logger ?? defaultLogger();
  const timeoutMs = options.timeoutMs ?? NET_SERVICE_DEFAULTS.closeTimeoutMs;
  // server.close(cb) fires on 'close', which waits for every socket (also when it was not listening).
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  releaseSocketFile(server);
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  });
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const result = await Promise.race([closed, deadline]);
  clearTimeout(timer);
  clearInterval(sweep);
  if (result === 'timeout') {
    logger.warn('drain deadline passed; destroying connections');
    server.closeAllConnections();
    options.onDeadline?.();
    await closed;
  }
}
