import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '@sockworks/logging';
import type { BoundAddress, ListenTarget } from './address.js';
import { closeHttpServer } from './close-http-server.js';
import type { ConnectionObserver } from './connection-observer.js';
import { type ConnectionEvent, type ConnectionListener, ConnectionTracker } from './connection-tracker.js';
import { defaultLogger } from './default-logger.js';
import { limitLogger } from './limit-log.js';
import { listen } from './listen.js';
import { NET_SERVICE_DEFAULTS } from './net-service.js';
import { remoteOf } from './remote.js';
import { destroySocketAfter, socketErrorListener } from './socket-error.js';

/** Options of {@link trackHttpServer}. */
export interface TrackHttpServerOptions {
  /** @default silent */
  logger?: Logger;
  /** Sockets beyond this get `rejectConnection` (default: a raw 503) and are closed. @default 10000 */
  maxConnections?: number;
  /** Default drain deadline of `close()`. @default 10000 */
  closeTimeoutMs?: number;
  /** How long a refused socket may take to read its error. @default 1000 */
  rejectGraceMs?: number;
  /** Writes the refusal; the runtime ends the socket afterwards. @default HTTP 503 "Too many connections" */
  rejectConnection?(socket: Socket): void;
  /** Called once when `close()` starts, after the server stopped accepting (e.g. close WebSockets with 1001). */
  onShutdown?(): void | Promise<void>;
  /** Told about accepted, refused and closed sockets (metrics). @default none */
  observer?: ConnectionObserver;
}

/** An `http.Server` (plain or with WebSocket upgrades) under the runtime's tracking and close rules. */
export interface TrackedHttpServer extends AsyncDisposable {
  readonly server: HttpServer;
  /** Open sockets (HTTP keep-alive and upgraded ones). */
  readonly connections: ReadonlySet<Socket>;
  /** Calls `listener(socket, count)` after a socket is added (`'add'`) or removed (`'delete'`); returns its remover. */
  onConnections(event: ConnectionEvent, listener: ConnectionListener<Socket>): () => void;
  /** Resolves once exactly `n` sockets are open (at once if they already are). */
  waitForConnections(n: number): Promise<void>;
  /** Bound address once `listen()` resolved. */
  readonly address: BoundAddress | null;
  /** `listen(server, target)` with this tracker's logger. */
  listen(target: ListenTarget): Promise<BoundAddress>;
  /**
   * Stops accepting, closes idle keep-alive sockets and sockets that never sent a byte, answers in-flight requests with `Connection: close`,
   * runs `onShutdown`, waits for every socket to end and destroys the rest after `timeoutMs`. Idempotent.
   */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

const REJECT_503 =
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 21\r\n\r\nToo many connections\n';

/**
 * Adds connection tracking, a connection limit and graceful close to an `http.Server`. Use it with
 * `listen()` (or the returned `listen`) for the HTTP and WebSocket apps, where NetService does not fit.
 */
export function trackHttpServer(server: HttpServer, options: TrackHttpServerOptions = {}): TrackedHttpServer {
  const logger = options.logger ?? defaultLogger();
  const tracker = new ConnectionTracker<Socket>(
    options.maxConnections ?? NET_SERVICE_DEFAULTS.maxConnections,
  );
  const closeTimeoutMs = options.closeTimeoutMs ?? NET_SERVICE_DEFAULTS.closeTimeoutMs;
  const rejectGraceMs = options.rejectGraceMs ?? NET_SERVICE_DEFAULTS.rejectGraceMs;
  const logLimit = limitLogger(logger, tracker.max);
  let closing: Promise<void> | undefined;
  let address: BoundAddress | null = null;

  // http.Server parses every socket its 'connection' listener sees, so a refused socket's request would
  // still reach the app's handler. Take the listeners installed so far (http's own parser setup) and
  // call them only for sockets inside the limit.
  const inner = server.listeners('connection') as Array<(this: HttpServer, socket: Socket) => void>;
  server.removeAllListeners('connection');
  const observer = options.observer;
  const untrack = function (this: Socket): void {
    tracker.delete(this);
    observer?.closed(this, closing !== undefined);
  };
  const onSocketError = socketErrorListener(logger);
  server.on('connection', (socket: Socket) => {
    socket.on('error', onSocketError);
    if (closing !== undefined) {
      observer?.refused(socket, 'shutting_down');
      socket.destroy();
      return;
    }
    if (!tracker.tryAdd(socket)) {
      observer?.refused(socket, 'max_connections');
      logLimit(remoteOf(socket));
      destroySocketAfter(socket, rejectGraceMs);
      try {
        if (options.rejectConnection) options.rejectConnection(socket);
        else socket.write(REJECT_503);
      } catch (err) {
        logger.error({ err }, 'rejectConnection failed');
      }
      // Discard the refused client's input so it cannot fill our buffers.
      socket.resume();
      socket.end();
      return;
    }
    socket.on('close', untrack);
    observer?.accepted(socket);
    for (const listener of inner) listener.call(server, socket);
  });

  async function close(timeoutMs: number): Promise<void> {
    if (tracker.size > 0) logger.info({ connections: tracker.size, timeoutMs }, 'draining connections');
    const drained = closeHttpServer(server, {
      timeoutMs,
      logger,
      onDeadline: () => {
        for (const socket of tracker) socket.destroy();
      },
    });
    // A socket that has not sent a byte has no request in flight, yet Node counts it as active (its
    // headers timer runs from accept), so closeIdleConnections() spares it and it would hold the exit
    // for the whole grace. No new sockets are accepted now, so one pass suffices.
    for (const socket of tracker) {
      if (socket.bytesRead === 0) socket.destroy();
    }
    try {
      await options.onShutdown?.();
    } catch (err) {
      logger.error({ err }, 'onShutdown failed');
    }
    await drained;
    // The server's 'close' can come a tick before the last socket's 'close' event.
    await tracker.whenEmpty();
    logger.info('closed');
  }

  return {
    server,
    get connections() {
      return tracker.items;
    },
    onConnections(event, listener) {
      return tracker.on(event, listener);
    },
    waitForConnections(n) {
      return tracker.whenSize(n);
    },
    get address() {
      return address;
    },
    async listen(target) {
      address = await listen(server, target, { logger });
      return address;
    },
    close(opts = {}) {
      closing ??= close(opts.timeoutMs ?? closeTimeoutMs);
      return closing;
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
}
