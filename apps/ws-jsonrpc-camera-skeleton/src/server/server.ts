import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { JsonRpcEngine } from '@sockworks/jsonrpc';
import { type Logger, redactUrl, silentLogger, truncateForLog } from '@sockworks/logging';
import {
  createObservability,
  jsonRpcObserver,
  type Observability,
  type RefusedReason,
  serveObservability,
} from '@sockworks/metrics';
import {
  type BoundAddress,
  ConnectionTracker,
  remoteOf,
  type TrackedHttpServer,
  trackHttpServer,
} from '@sockworks/service';
import type { WebSocket, WebSocketServer } from 'ws';
import { createWsCodec } from './codec.js';
import { type ConnectionDeps, GOING_AWAY, WsRpcConnection } from './connection.js';
import { WsConnectionContext } from './connection-context.js';
import type { RpcContext } from './context.js';
import { handleHttpRequest } from './http-routes.js';
import { type ResolvedServerOptions, resolveServerOptions, type WsRpcServerOptions } from './options.js';
import { createRpcEngine } from './rpc-engine.js';
import { checkUpgrade, type UpgradeRejection } from './upgrade-gate.js';

/** Where the server listens (TCP only: WebSocket clients connect by URL). */
export interface WsListenTarget {
  host?: string;
  port: number;
}

/**
 * Sockets the HTTP layer accepts beyond `maxConnections`, so `/healthz` and refusals still get an
 * answer while the WebSocket limit is reached.
 */
export const HTTP_SOCKET_HEADROOM = 64;

/**
 * The WebSocket JSON-RPC 2.0 server: an http.Server it owns, ws in `noServer` mode for the upgrade on
 * one path, `GET /healthz`, connection tracking with a limit, heartbeat, graceful close with 1001.
 */
export class WsRpcServer {
  /** The HTTP server (for tests and embedding); `listen()` binds it. */
  readonly httpServer: Server;
  readonly engine: JsonRpcEngine<RpcContext>;
  readonly #opts: ResolvedServerOptions;
  readonly #wss: WebSocketServer;
  readonly #clients: ConnectionTracker<WsRpcConnection>;
  readonly #tracked: TrackedHttpServer;
  /** Shared by every connection (one object per server, not per socket). */
  readonly #deps: ConnectionDeps;
  readonly #onUpgradeSocketError: (err: Error) => void;
  readonly #startedAt = Date.now();
  #nextId = 1;
  #heartbeat: NodeJS.Timeout | null = null;
  #closing = false;
  #closed: Promise<void> | null = null;
  readonly #obs: Observability;

  constructor(options: WsRpcServerOptions = {}) {
    const opts = resolveServerOptions(options, options.logger ?? silentLogger());
    this.#opts = opts;
    this.#clients = new ConnectionTracker(opts.maxConnections);
    // Without observability options: health only (/livez, /readyz), no metrics, no request log.
    const obs = options.observability ?? createObservability();
    this.#obs = obs;
    const recorder = obs.recorder.active ? obs.recorder : undefined;
    const metrics = obs.metrics;
    this.engine = createRpcEngine({
      observer: recorder === undefined ? undefined : jsonRpcObserver(recorder, (ctx: RpcContext) => ctx),
      methods: opts.methods,
      maxBatch: opts.maxBatch,
      maxDepth: opts.maxDepth,
      info: opts.info,
      callLogLevel: opts.messageLogLevel,
      logger: opts.logger,
    });
    this.#wss = createWsCodec({ maxPayload: opts.maxPayload, closeTimeoutMs: opts.closeTimeoutMs });
    const logger = opts.logger;
    const level = opts.messageLogLevel;
    this.#deps = {
      engine: this.engine,
      messageLogLevel: level,
      logMessages: level !== 'silent' && logger.isLevelEnabled(level),
      logMaxChars: opts.logMaxChars,
      maxBufferedBytes: opts.maxBufferedBytes,
      metrics,
      onClose: (client, code) => {
        this.#clients.delete(client);
        metrics?.closed(client.socket, this.#closing);
        logClientCount(logger, client.ctx, this.#clients.size, 'Client disconnected', { code });
      },
    };
    const routes = { metrics, health: obs.health };
    this.#onUpgradeSocketError = (err) => logger.debug({ err }, 'Socket error during the upgrade');
    this.httpServer = createServer(
      {
        maxHeaderSize: opts.maxHeaderBytes,
        headersTimeout: opts.headersTimeoutMs,
        requestTimeout: opts.requestTimeoutMs,
        connectionsCheckingInterval: opts.timeoutCheckIntervalMs,
      },
      (req, res) => {
        if (serveObservability(req, res, routes)) return;
        handleHttpRequest(req, res, {
          path: opts.path,
          closing: this.#closing,
          connections: this.#clients.size,
          startedAt: this.#startedAt,
        });
      },
    );
    this.#tracked = trackHttpServer(this.httpServer, {
      logger: opts.logger,
      maxConnections: opts.maxConnections + HTTP_SOCKET_HEADROOM,
      closeTimeoutMs: opts.closeTimeoutMs,
      onShutdown: () => this.#shutdownClients(),
    });
    this.httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#onUpgrade(req, socket as Socket, head),
    );
  }

  /** The bound address, once listening. */
  get address(): BoundAddress | null {
    return this.#tracked.address;
  }

  /** Number of open WebSocket clients. */
  get connectionCount(): number {
    return this.#clients.size;
  }

  /** Resolves once exactly `n` WebSocket clients are open, on the client tracker's events (for tests). */
  waitForConnections(n: number): Promise<void> {
    return this.#clients.whenSize(n);
  }

  /** The endpoint URL, e.g. `ws://127.0.0.1:8002/ws` (null before `listen()`). */
  get url(): string | null {
    const a = this.#tracked.address;
    if (a?.kind !== 'tcp') return null;
    const host = a.family === 'IPv6' ? `[${a.host}]` : a.host;
    return `ws://${host}:${a.port}${this.#opts.path}`;
  }

  /** Binds the HTTP server and starts the heartbeat; resolves with the bound address. */
  async listen(target: WsListenTarget): Promise<BoundAddress> {
    const address = await this.#tracked.listen(target);
    this.#obs.health.setListening();
    if (this.#opts.heartbeatIntervalMs > 0 && this.#heartbeat === null) {
      this.#heartbeat = setInterval(() => {
        for (const client of this.#clients) client.heartbeat();
      }, this.#opts.heartbeatIntervalMs);
      this.#heartbeat.unref();
    }
    return address;
  }

  /**
   * Graceful and idempotent: refuses new connections, sends close 1001 to every client, waits for the
   * sockets to end up to `timeoutMs` (default: the closeTimeoutMs option), then destroys the rest.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#closed ??= this.#tracked.close(options).then(() => this.#clients.whenEmpty());
    return this.#closed;
  }

  /** Same as `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #shutdownClients(): void {
    this.#closing = true;
    this.#obs.health.setDraining();
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#opts.logger.info(
      { clients: this.#clients.size, closeCode: GOING_AWAY.code },
      `Shutting down: closing ${this.#clients.size} clients with ${GOING_AWAY.code}`,
    );
    for (const client of this.#clients) client.shutdown();
  }

  #onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    // Node removes its HTTP error handling on upgrade; until ws adopts the socket, an error would throw.
    socket.on('error', this.#onUpgradeSocketError);
    const rejection = checkUpgrade(req, this.#opts, { closing: this.#closing, full: this.#clients.full });
    if (rejection) {
      // Redacted before it is cut, so a cut cannot leave half a token behind: clients put bearer
      // tokens in `?token=` (browsers cannot set Authorization on a WebSocket).
      this.#opts.logger.info(
        {
          status: rejection.status,
          path: truncateForLog(redactUrl(req.url ?? '')),
          remote: remoteOf(socket),
        },
        `Upgrade refused: ${rejection.reason}`,
      );
      this.#obs.metrics?.refusedByApp(refusedReason(rejection.status, this.#closing));
      rejectUpgrade(socket, rejection);
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, socket));
  }

  #onConnection(ws: WebSocket, socket: Socket): void {
    socket.off('error', this.#onUpgradeSocketError); // ws has its own now
    const ctx = new WsConnectionContext(this.#nextId++, socket, this.#opts.logger);
    const client = new WsRpcConnection(ws, socket, ctx, this.#deps);
    // The gate checked the limit in this same tick (handleUpgrade completes synchronously), so this
    // only fails if that changes; 1013 "try again later" is the WebSocket way to say so.
    if (!this.#clients.tryAdd(client)) {
      this.#obs.metrics?.refusedByApp('max_connections');
      ws.close(1013, 'Too many connections');
      return;
    }
    this.#obs.metrics?.accepted(socket);
    if (this.#closing) client.shutdown();
    logClientCount(this.#opts.logger, ctx, this.#clients.size, 'Client connected');
  }
}

/**
 * "Client connected: <remote> (Total clients: N)" and its disconnect twin, through the server's logger
 * with the connection's fields, so an idle connection never needs its own child logger.
 */
function logClientCount(
  logger: Logger,
  ctx: WsConnectionContext,
  total: number,
  what: string,
  extra: Record<string, unknown> = {},
): void {
  if (!logger.isLevelEnabled('info')) return;
  logger.info(
    { conn: ctx.connectionId, remote: ctx.remote, ...extra, total },
    `${what}: ${ctx.remote} (Total clients: ${total})`,
  );
}

/** The metrics' refusal reason of an upgrade refused with `status`. */
function refusedReason(status: number, closing: boolean): RefusedReason {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 503) return closing ? 'shutting_down' : 'max_connections';
  return 'other';
}

/** Creates the server (pure: no listening, no signal handlers). */
export function createWsRpcServer(options: WsRpcServerOptions = {}): WsRpcServer {
  return new WsRpcServer(options);
}

function rejectUpgrade(socket: Socket, rejection: UpgradeRejection): void {
  const body = `${rejection.reason}\n`;
  const headers = {
    Connection: 'close',
    'Content-Type': 'text/plain',
    'Content-Length': String(Buffer.byteLength(body)),
    ...rejection.headers,
  };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  const statusText = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' };
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${rejection.status} ${statusText[rejection.status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`,
  );
}
