import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ProtocolError, ServiceErrorCode } from '@sockworks/error-codes';
import { type Logger, redactHttpText, silentLogger, truncateForLog } from '@sockworks/logging';
import { createObservability, type Observability, serveObservability } from '@sockworks/metrics';
import {
  type BoundAddress,
  ConfigError,
  checkInt,
  destroySocketAfter,
  formatAddress,
  type ListenTarget,
  listen,
  type TrackedHttpServer,
  trackHttpServer,
  withDefaults,
} from '@sockworks/service';
import { answerForClientError, parserOptions } from './codec.js';
import { HttpConnectionLog } from './connection.js';
import { answerFor, omitsBody } from './handlers.js';
import { METHOD_NOT_ALLOWED_RESPONSE, rawBytesOf } from './responses.js';

/** Defaults of {@link HttpLocalServerOptions} (RELIABILITY.md targets). */
export const HTTP_LOCAL_SERVER_DEFAULTS = {
  /** @default 10000 ms to send the complete request head (Node's default is 60 s) */
  headersTimeoutMs: 10_000,
  /** @default 30000 ms to send the complete request (Node's default is 300 s) */
  requestTimeoutMs: 30_000,
  /** @default 16384 bytes of request line plus headers; larger heads get 431 */
  maxHeaderBytes: 16 * 1024,
  /** @default 10000 concurrent connections; the excess gets a 503 and is closed */
  maxConnections: 10_000,
  /** @default 1000 ms between checks of the two timeouts (Node's default is 30 s) */
  timeoutCheckIntervalMs: 1_000,
  /** @default 1000 ms a refused connection (503) or rejected request (400/408/431) gets to read its answer before it is destroyed */
  rejectGraceMs: 1_000,
  /** @default 10000 ms drain on close() before the remaining connections are destroyed */
  closeTimeoutMs: 10_000,
  /** @default 0o660 file mode of the Unix socket */
  socketMode: 0o660,
} as const;

/** Options of {@link createHttpLocalServer}; every one has a default in {@link HTTP_LOCAL_SERVER_DEFAULTS}. */
export interface HttpLocalServerOptions {
  /** Server and per-connection log lines. @default silent */
  logger?: Logger;
  /** Time to send the complete request head; then 408 and close. @default 10000 */
  headersTimeoutMs?: number;
  /** Time to send the complete request; must be >= headersTimeoutMs. @default 30000 */
  requestTimeoutMs?: number;
  /** Largest request line plus headers; larger get 431. @default 16384 */
  maxHeaderBytes?: number;
  /** Concurrent connections; the excess gets 503 and is closed. @default 10000 */
  maxConnections?: number;
  /** Granularity of the two timeouts. @default 1000 */
  timeoutCheckIntervalMs?: number;
  /** How long a refused or rejected client may take to read its answer. @default 1000 */
  rejectGraceMs?: number;
  /** Default drain deadline of close(). @default 10000 */
  closeTimeoutMs?: number;
  /** File mode of a Unix socket when the listen target gives none. @default 0o660 */
  socketMode?: number;
  /** Metrics, request log and health (see createHttpObservability). @default health only */
  observability?: Observability;
}

type ResolvedOptions = Required<Omit<HttpLocalServerOptions, 'logger' | 'observability'>>;

type State = 'idle' | 'listening' | 'closing' | 'closed';

function resolveOptions(options: HttpLocalServerOptions): ResolvedOptions {
  const { logger: _logger, observability: _observability, ...rest } = options;
  const o = withDefaults(HTTP_LOCAL_SERVER_DEFAULTS, rest);
  const resolved: ResolvedOptions = {
    headersTimeoutMs: checkInt('headersTimeoutMs', o.headersTimeoutMs),
    requestTimeoutMs: checkInt('requestTimeoutMs', o.requestTimeoutMs),
    maxHeaderBytes: checkInt('maxHeaderBytes', o.maxHeaderBytes),
    maxConnections: checkInt('maxConnections', o.maxConnections),
    timeoutCheckIntervalMs: checkInt('timeoutCheckIntervalMs', o.timeoutCheckIntervalMs),
    rejectGraceMs: checkInt('rejectGraceMs', o.rejectGraceMs),
    closeTimeoutMs: checkInt('closeTimeoutMs', o.closeTimeoutMs, { min: 0 }),
    socketMode: checkInt('socketMode', o.socketMode, { min: 0 }),
  };
  // Node throws on this combination deep inside createServer; name the options instead.
  if (resolved.headersTimeoutMs > resolved.requestTimeoutMs) {
    throw new ConfigError(
      `headersTimeoutMs (${resolved.headersTimeoutMs}) must not exceed requestTimeoutMs (${resolved.requestTimeoutMs})`,
    );
  }
  return resolved;
}

/**
 * The HTTP status server: answers GET and HEAD on any path with `200 running`, anything else with
 * 405, over TCP or a Unix socket. Pure: nothing listens until {@link HttpLocalServer.listen}.
 */
export class HttpLocalServer implements AsyncDisposable {
  /** The underlying Node server (for tests and embedding); prefer listen()/close(). */
  readonly server: Server;
  readonly options: Readonly<ResolvedOptions>;
  readonly #logger: Logger;
  readonly #tracked: TrackedHttpServer;
  readonly #connectionLog: HttpConnectionLog;
  #state: State = 'idle';
  #address: BoundAddress | null = null;
  #closing: Promise<void> | undefined;
  readonly #obs: Observability;

  constructor(options: HttpLocalServerOptions = {}) {
    this.options = Object.freeze(resolveOptions(options));
    this.#logger = options.logger ?? silentLogger();
    // Without observability options: health only (/livez, /readyz), no metrics, no request log.
    const obs = options.observability ?? createObservability();
    this.#obs = obs;
    const metrics = obs.metrics;
    const recorder = obs.recorder.active ? obs.recorder : undefined;
    const routes = { metrics, health: obs.health };
    this.server = createServer(parserOptions(this.options), (req: IncomingMessage, res: ServerResponse) => {
      // A socket over the connection limit already got the runtime's 503 and is being closed:
      // answering again would write after its end.
      if (!connections.has(req.socket)) return;
      if (serveObservability(req, res, routes)) return;
      const started = recorder === undefined ? 0 : recorder.start();
      // The hot path: choose a prepared response and hand Node ready-made headers and body.
      const prepared = answerFor(req);
      res.sendDate = false;
      res.writeHead(prepared.status, prepared.headers as string[]);
      if (omitsBody(req.method)) res.end();
      else res.end(prepared.bodyText);
      if (recorder !== undefined) {
        const status = prepared.status;
        const target = recorder.logs ? this.#connectionLog.targetFor(req.socket) : undefined;
        recorder.finish(started, req.method ?? '', status < 400 ? 'ok' : String(status), null, target);
        metrics?.sent('response');
      }
    });
    this.#tracked = trackHttpServer(this.server, {
      ...(metrics === undefined ? {} : { observer: metrics }),
      logger: this.#logger,
      maxConnections: this.options.maxConnections,
      closeTimeoutMs: this.options.closeTimeoutMs,
      rejectGraceMs: this.options.rejectGraceMs,
    });
    const connections = this.#tracked.connections;
    const connectionLog = new HttpConnectionLog(this.#logger);
    this.#connectionLog = connectionLog;
    // Registered after the tracker's listener, so refused sockets are already known here.
    this.server.on('connection', (socket: Socket) => {
      if (connections.has(socket)) connectionLog.accept(socket);
    });
    // Node hands a CONNECT request over as a bare socket and, with no listener, destroys it without a
    // word. This server tunnels nothing: answer 405 with Allow like any other method, then close.
    this.server.on('connect', (req: IncomingMessage, socket: Socket) => {
      if (!connections.has(socket)) return;
      // Tunnelled bytes are discarded, not buffered.
      socket.resume();
      this.#endWith(socket, CONNECT_ANSWER);
      if (this.#logger.isLevelEnabled('debug')) {
        this.#connectionLog.loggerFor(socket).debug({ method: req.method, status: 405 }, 'rejected request');
      }
    });
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) =>
      this.#onClientError(err, socket),
    );
  }

  /** The bound address once listening, else null. */
  get address(): BoundAddress | null {
    return this.#address;
  }

  /** Number of open accepted connections. */
  get connectionCount(): number {
    return this.#tracked.connections.size;
  }

  /** Resolves once exactly `n` connections are open, on the tracker's connection events (for tests). */
  waitForConnections(n: number): Promise<void> {
    return this.#tracked.waitForConnections(n);
  }

  /**
   * Listens on `{ host, port }` or `{ path, mode? }` and resolves with the bound address. Unix paths
   * get the runtime's checks: stale file removed, a live owner refused, mode applied, unlinked on close.
   */
  async listen(target: ListenTarget): Promise<BoundAddress> {
    if (this.#state !== 'idle') {
      throw new ProtocolError(ServiceErrorCode.SERVER_CLOSED, `cannot listen: server is ${this.#state}`);
    }
    this.#state = 'listening';
    const withMode: ListenTarget =
      'path' in target && target.mode === undefined ? { ...target, mode: this.options.socketMode } : target;
    try {
      // listen() without a logger: the spec's "Server running" line below replaces its "listening".
      this.#address = await listen(this.server, withMode);
    } catch (err) {
      this.#state = 'idle';
      throw err;
    }
    this.#obs.health.setListening();
    // Errors after start-up (EMFILE on accept) are logged, never thrown out of the event loop.
    this.server.on('error', (err) => this.#logger.error({ err }, 'server error'));
    const where = formatAddress(this.#address);
    this.#logger.info(
      { address: where },
      this.#address.kind === 'unix' ? `Server running on ${where}` : `Server running on http://${where}`,
    );
    return this.#address;
  }

  /**
   * Graceful and idempotent: stop accepting, let requests in flight be answered, destroy connections
   * still open after `timeoutMs` (default `closeTimeoutMs`), remove the Unix socket file.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#state = 'closing';
    this.#obs.health.setDraining();
    this.#closing ??= this.#tracked.close(options).then(() => {
      this.#state = 'closed';
    });
    return this.#closing;
  }

  /** Same as close(). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Writes a final answer and closes the socket, at the latest after rejectGraceMs. */
  #endWith(socket: Socket, bytes: Buffer): void {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(bytes);
    // end() waits for the peer's half of the close; a slowloris never sends it, so drop the
    // socket once the answer is flushed, or after the grace period if the peer does not read it.
    socket.once('finish', () => socket.destroy());
    destroySocketAfter(socket, this.options.rejectGraceMs);
  }

  #onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
    const answer = answerForClientError(err.code);
    if (answer.status !== 0) this.#obs.metrics?.error(String(answer.status));
    if (answer.status !== 0) this.#endWith(socket, answer.bytes);
    else socket.destroy();
    if (this.#logger.isLevelEnabled('debug')) {
      const raw = (err as { rawPacket?: unknown }).rawPacket;
      this.#connectionLog.loggerFor(socket).debug(
        {
          code: err.code,
          status: answer.status,
          ...(Buffer.isBuffer(raw) ? { input: truncateForLog(redactHttpText(raw.toString('latin1'))) } : {}),
        },
        'rejected request',
      );
    }
  }
}

const CONNECT_ANSWER = rawBytesOf(METHOD_NOT_ALLOWED_RESPONSE);

/** Creates the HTTP status server (no listening, no signal handlers). */
export function createHttpLocalServer(options: HttpLocalServerOptions = {}): HttpLocalServer {
  return new HttpLocalServer(options);
}
