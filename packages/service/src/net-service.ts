import { createServer, type Server, type ServerOpts, type Socket } from 'node:net';
import { ProtocolError, ServiceErrorCode } from '@sockworks/error-codes';
import { LazyConnectionLogger, type Logger } from '@sockworks/logging';
import type { BoundAddress, ListenTarget } from './address.js';
import type { ConnectionObserver } from './connection-observer.js';
import { type ConnectionEvent, type ConnectionListener, ConnectionTracker } from './connection-tracker.js';
import { defaultLogger } from './default-logger.js';
import { limitLogger } from './limit-log.js';
import { listen, releaseSocketFile } from './listen.js';
import { remoteOf } from './remote.js';
import { destroySocketAfter, socketErrorListener } from './socket-error.js';

/** What the runtime needs from an app's per-socket connection object. */
export interface ConnectionHandle {
  /** Graceful: finish in-flight work, say goodbye if the protocol has one, then end the socket. */
  shutdown(): void;
  /** Forceful: drop the socket now. */
  destroy(): void;
}

/** What `createConnection` receives besides the socket. */
export interface ConnectionContext {
  /** Sequential connection id, unique within this service. */
  readonly id: number;
  /** Child logger carrying `conn` and `remote`; built on first access (idle connections stay cheap). */
  readonly logger: Logger;
  /** `host:port` of the peer, or `unix` for a Unix socket client. */
  readonly remote: string;
}

/** Defaults of {@link NetServiceOptions}. */
export const NET_SERVICE_DEFAULTS = {
  /** @default 10000 (Redis maxclients) */
  maxConnections: 10_000,
  /** @default 10000 ms drain before remaining connections are destroyed */
  closeTimeoutMs: 10_000,
  /** @default 1000 ms a refused connection gets to read its error before it is destroyed */
  rejectGraceMs: 1_000,
} as const;

/** Options of {@link NetService}. */
export interface NetServiceOptions<C extends ConnectionHandle> {
  /** Parent of every connection logger. @default silent */
  logger?: Logger;
  /** Connections beyond this get `rejectConnection` and are closed. @default 10000 */
  maxConnections?: number;
  /** Default drain deadline of `close()`. @default 10000 */
  closeTimeoutMs?: number;
  /** File mode of a Unix socket when the listen target gives none. @default 0o660 */
  socketMode?: number;
  /** How long a refused connection may take to read its error. @default 1000 */
  rejectGraceMs?: number;
  /** Builds the app's connection for an accepted socket (which already has an 'error' listener). */
  createConnection(socket: Socket, ctx: ConnectionContext): C;
  /** Writes the app's "too many connections" error; the runtime then ends the socket. */
  rejectConnection?(socket: Socket): void;
  /** Passed to `net.createServer`. */
  serverOptions?: ServerOpts;
  /** Told about accepted, refused and closed sockets (metrics). @default none */
  observer?: ConnectionObserver;
}

type State = 'idle' | 'listening' | 'closing' | 'closed';

/**
 * A TCP or Unix socket server that owns listening, connection tracking, the connection limit and
 * graceful close. Apps supply `createConnection`; everything per-socket lives in their connection.
 */
export class NetService<C extends ConnectionHandle> implements AsyncDisposable {
  readonly server: Server;
  readonly #logger: Logger;
  readonly #tracker: ConnectionTracker<C>;
  /** Socket -> its connection: lets one shared 'close' listener serve every socket (no closure each). */
  readonly #bySocket = new Map<Socket, C>();
  readonly #onSocketClose: (this: Socket) => void;
  readonly #onSocketError: (this: Socket, err: Error) => void;
  readonly #rejected = new Set<Socket>();
  readonly #options: NetServiceOptions<C>;
  readonly #closeTimeoutMs: number;
  readonly #rejectGraceMs: number;
  readonly #logLimit: (remote: string) => void;
  #nextId = 0;
  #state: State = 'idle';
  #address: BoundAddress | null = null;
  #closing: Promise<void> | undefined;
  #listening: Promise<BoundAddress> | undefined;

  constructor(options: NetServiceOptions<C>) {
    this.#options = options;
    this.#logger = options.logger ?? defaultLogger();
    const max = options.maxConnections ?? NET_SERVICE_DEFAULTS.maxConnections;
    this.#tracker = new ConnectionTracker<C>(max);
    this.#logLimit = limitLogger(this.#logger, max);
    this.#onSocketError = socketErrorListener(this.#logger);
    const bySocket = this.#bySocket;
    const tracker = this.#tracker;
    const observer = options.observer;
    const closing = (): boolean => this.#state !== 'listening';
    this.#onSocketClose = function (this: Socket): void {
      const conn = bySocket.get(this);
      if (conn === undefined) return;
      bySocket.delete(this);
      tracker.delete(conn);
      observer?.closed(this, closing());
    };
    this.#closeTimeoutMs = checkMs(
      'closeTimeoutMs',
      options.closeTimeoutMs ?? NET_SERVICE_DEFAULTS.closeTimeoutMs,
    );
    this.#rejectGraceMs = checkMs(
      'rejectGraceMs',
      options.rejectGraceMs ?? NET_SERVICE_DEFAULTS.rejectGraceMs,
    );
    // No server 'error' listener here: a failed listen() is reported once, by its rejection; listen()
    // installs the logger for later accept errors (EMFILE) once the server is listening.
    this.server = createServer(options.serverOptions ?? {}, (socket) => this.#onConnection(socket));
  }

  /** The live connections. */
  get connections(): ReadonlySet<C> {
    return this.#tracker.items;
  }

  /**
   * Calls `listener(conn, count)` after a connection is added (`'add'`) or removed (`'delete'`);
   * returns a function that removes it.
   */
  onConnections(event: ConnectionEvent, listener: ConnectionListener<C>): () => void {
    return this.#tracker.on(event, listener);
  }

  /** Resolves once exactly `n` connections are live (at once if they already are). */
  waitForConnections(n: number): Promise<void> {
    return this.#tracker.whenSize(n);
  }

  /** The bound address once listening, else null. */
  get address(): BoundAddress | null {
    return this.#address;
  }

  /** The connection limit. */
  get maxConnections(): number {
    return this.#tracker.max;
  }

  /** Listens on a TCP address or Unix socket path; resolves with the bound address. */
  async listen(target: ListenTarget): Promise<BoundAddress> {
    if (this.#state !== 'idle') {
      throw new ProtocolError(ServiceErrorCode.SERVER_CLOSED, `cannot listen: service is ${this.#state}`);
    }
    const withMode =
      'path' in target && target.mode === undefined && this.#options.socketMode !== undefined
        ? { ...target, mode: this.#options.socketMode }
        : target;
    this.#state = 'listening';
    const pending = listen(this.server, withMode, { logger: this.#logger });
    this.#listening = pending;
    try {
      this.#address = await pending;
    } catch (err) {
      if (this.#state === 'listening') this.#state = 'idle';
      throw err;
    } finally {
      this.#listening = undefined;
    }
    if ((this.#state as State) !== 'listening') {
      throw new ProtocolError(
        ServiceErrorCode.SERVER_CLOSED,
        'service was closed while it was starting to listen',
      );
    }
    return this.#address;
  }

  /**
   * Stops accepting, asks every connection to `shutdown()`, waits for them to end and destroys the
   * rest after `timeoutMs` (default `closeTimeoutMs`). Removes the Unix socket file. Idempotent.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#closing ??= this.#close(options.timeoutMs ?? this.#closeTimeoutMs);
    return this.#closing;
  }

  /** Same as `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #close(timeoutMs: number): Promise<void> {
    this.#state = 'closing';
    // A listening server stops accepting now, before close() returns: once a caller has asked to
    // close (and logged so), a new connection is refused. close() during listen(): let the bind
    // finish first so the server (and its socket file) is really closed.
    let serverClosed = this.server.listening ? this.#stopListening() : undefined;
    if (serverClosed === undefined && this.#listening !== undefined) await this.#listening.catch(() => {});
    serverClosed ??= this.#stopListening();
    for (const socket of this.#rejected) socket.destroy();
    const count = this.#tracker.size;
    if (count > 0) this.#logger.info({ connections: count, timeoutMs }, 'draining connections');
    for (const [socket, conn] of [...this.#bySocket]) {
      try {
        conn.shutdown();
      } catch (err) {
        this.#logger.error({ err }, 'connection shutdown failed; destroying it');
        this.#destroy(conn, socket);
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.#tracker.whenEmpty(), deadline]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.#logger.warn({ connections: this.#tracker.size }, 'drain deadline passed; destroying connections');
      for (const [socket, conn] of [...this.#bySocket]) this.#destroy(conn, socket);
      await this.#tracker.whenEmpty();
    }
    await serverClosed;
    this.#state = 'closed';
    this.#logger.info('closed');
  }

  /** Closes the listening socket (and removes its socket file); resolves once it is closed. */
  #stopListening(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      releaseSocketFile(this.server);
    });
  }

  #destroy(conn: C, socket: Socket): void {
    try {
      conn.destroy();
    } catch (err) {
      this.#logger.error({ err }, 'connection destroy failed');
    }
    // The socket itself too: an app's destroy() must not be able to keep close() waiting.
    socket.destroy();
  }

  #onConnection(socket: Socket): void {
    socket.on('error', this.#onSocketError);
    if (this.#state !== 'listening') {
      this.#options.observer?.refused(socket, 'shutting_down');
      socket.destroy();
      return;
    }
    if (this.#tracker.full) {
      this.#options.observer?.refused(socket, 'max_connections');
      this.#reject(socket);
      return;
    }
    const ctx = new LazyContext(++this.#nextId, remoteOf(socket), this.#logger);
    let conn: C;
    try {
      conn = this.#options.createConnection(socket, ctx);
    } catch (err) {
      ctx.logger.error({ err }, 'createConnection failed; closing the socket');
      socket.destroy();
      return;
    }
    this.#tracker.tryAdd(conn);
    this.#bySocket.set(socket, conn);
    socket.on('close', this.#onSocketClose);
    this.#options.observer?.accepted(socket);
  }

  #reject(socket: Socket): void {
    this.#logLimit(remoteOf(socket));
    this.#rejected.add(socket);
    destroySocketAfter(socket, this.#rejectGraceMs);
    socket.once('close', () => this.#rejected.delete(socket));
    try {
      this.#options.rejectConnection?.(socket);
    } catch (err) {
      this.#logger.error({ err }, 'rejectConnection failed');
    }
    // Input of a refused client is discarded, so its writes cannot fill our buffers.
    socket.resume();
    socket.end();
  }
}

/** The context handed to createConnection; the child logger is only built when first used. */
class LazyContext implements ConnectionContext {
  readonly id: number;
  readonly remote: string;
  readonly #log: LazyConnectionLogger;

  constructor(id: number, remote: string, parent: Logger) {
    this.id = id;
    this.remote = remote;
    this.#log = new LazyConnectionLogger(parent, id, remote);
  }

  get logger(): Logger {
    return this.#log.logger;
  }
}

function checkMs(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative number of milliseconds, got ${String(value)}`);
  }
  return value;
}
