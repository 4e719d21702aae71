import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { KvErrorCode, ServiceErrorCode } from '@sockworks/error-codes';
import { type Logger, silentLogger } from '@sockworks/logging';
import {
  type BoundAddress,
  formatAddress,
  remoteOf,
  type TrackedHttpServer,
  trackHttpServer,
} from '@sockworks/service';
import { WebSocketServer } from 'ws';
import type { ChatConnection } from '../connection.js';
import type { ChatServer } from '../server.js';
import { sendError, setSecurityHeaders } from './http-reply.js';
import { originAllowed } from './origin.js';
import { handleApi } from './rest-api.js';
import { StaticFiles } from './static-files.js';
import { WsTransport, wireWebSocket } from './ws-transport.js';

/** Options of {@link createChatWebServer}. */
export interface ChatWebOptions {
  /** Address to listen on. */
  host: string;
  /** Port (0: any free port). */
  port: number;
  /** Origins whose pages may open a WebSocket; empty: the server's own origin only. */
  origins: readonly string[];
  /** Largest WebSocket message and REST body (the chat's `maxRequestBytes`). */
  maxRequestBytes: number;
  /** Ping every WebSocket this often; no pong by the next ping: terminated (0: off). */
  heartbeatMs: number;
  /**
   * Sockets (page loads, API calls, WebSockets) open at once on this listener; a WebSocket is also
   * refused when the chat's TCP connections and WebSockets together reach it.
   */
  maxConnections: number;
  /** Drain deadline of `close()`. */
  closeTimeoutMs: number;
  /** A request's headers and body must arrive within this. */
  requestTimeoutMs: number;
  /** The built web client (index.html, app.js, app.css); undefined: the API and /ws only. */
  webRoot: string | undefined;
  logger?: Logger;
}

/**
 * The chat's HTTP listener: the web client at `/`, the chat protocol over WebSocket at `/ws` (every
 * WebSocket is a {@link ChatConnection} of `chat`, as a TCP client is) and the REST API under `/api`.
 * It takes the `http.Server` to use (default: a plain one), so an `https.Server` fits as well.
 */
export class ChatWebServer {
  readonly #chat: ChatServer;
  readonly #o: ChatWebOptions;
  readonly #log: Logger;
  readonly #tracked: TrackedHttpServer;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Map<ChatConnection, WsTransport>();
  #files: StaticFiles | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(chat: ChatServer, options: ChatWebOptions, server: HttpServer = createServer()) {
    this.#chat = chat;
    this.#o = options;
    this.#log = options.logger ?? silentLogger();
    server.requestTimeout = options.requestTimeoutMs;
    server.headersTimeout = Math.min(options.requestTimeoutMs, 60_000);
    this.#tracked = trackHttpServer(server, {
      logger: this.#log,
      maxConnections: options.maxConnections,
      closeTimeoutMs: options.closeTimeoutMs,
      onShutdown: () => this.#shutdownSockets(),
    });
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxRequestBytes,
      // Compression costs memory per socket and has had zip-bomb issues; chat lines gain little.
      perMessageDeflate: false,
      clientTracking: false,
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#onRequest(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.#onUpgrade(req, socket, head),
    );
    // The chat server closes this listener with its own (before its engine).
    chat.closeWith(this);
  }

  /** The bound address once listening. */
  get address(): BoundAddress | null {
    return this.#tracked.address;
  }

  /** Open WebSockets. */
  get webSocketCount(): number {
    return this.#sockets.size;
  }

  /** Loads the client's files and listens; resolves with the bound address. */
  async listen(target: { host?: string; port?: number } = {}): Promise<BoundAddress> {
    this.#files = await StaticFiles.load(this.#o.webRoot);
    if (this.#files.missing !== undefined)
      this.#log.warn({ reason: this.#files.missing }, 'web client not served');
    const address = await this.#tracked.listen({
      host: target.host ?? this.#o.host,
      port: target.port ?? this.#o.port,
    });
    if (this.#o.heartbeatMs > 0) {
      this.#heartbeat = setInterval(() => this.#beat(), this.#o.heartbeatMs);
      this.#heartbeat.unref();
    }
    this.#log.info({ address: formatAddress(address) }, 'web listening');
    return address;
  }

  /** Stops accepting, says goodbye on every WebSocket, drains; idempotent. */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    return this.#tracked.close(options);
  }

  #shutdownSockets(): void {
    this.#closing = true;
    for (const conn of this.#sockets.keys()) conn.shutdown();
  }

  #beat(): void {
    for (const [conn, transport] of this.#sockets)
      if (!transport.ping())
        this.#log.info({ conn: conn.id }, 'no pong for a heartbeat interval; disconnected');
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    setSecurityHeaders(req, res);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      sendError(res, 400, KvErrorCode.INVALID_REQUEST, 'Bad request target');
      return;
    }
    const fail = (err: unknown) => {
      this.#log.error({ err }, 'web request failed');
      if (!res.headersSent) sendError(res, 500, KvErrorCode.INTERNAL_ERROR, 'Internal error');
      else res.destroy();
    };
    try {
      if (url.pathname.startsWith('/api/')) {
        handleApi(req, res, url, this.#chat, { maxBodyBytes: this.#o.maxRequestBytes }).catch(fail);
        return;
      }
      const files = this.#files;
      if (files?.has(url.pathname)) {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          sendError(res, 405, KvErrorCode.INVALID_REQUEST, `Method ${req.method} not allowed here`, {
            Allow: 'GET, HEAD',
          });
        } else if (!files.serve(req, res, url.pathname)) {
          sendError(
            res,
            503,
            ServiceErrorCode.UNAVAILABLE,
            'The web client is not built (pnpm --filter chat-rpc-server build)',
          );
        }
        return;
      }
      if (url.pathname === '/ws') {
        sendError(
          res,
          426,
          KvErrorCode.INVALID_REQUEST,
          'WebSocket endpoint: connect with an Upgrade request',
          {
            Upgrade: 'websocket',
          },
        );
        return;
      }
      sendError(res, 404, KvErrorCode.INVALID_REQUEST, 'Not found');
    } catch (err) {
      fail(err);
    }
  }

  #onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const path = (req.url ?? '/').split('?')[0];
    const refusal =
      path !== '/ws'
        ? ([404, 'Not Found'] as const)
        : this.#closing
          ? ([503, 'Service Unavailable'] as const)
          : !originAllowed(req, this.#o.origins)
            ? ([403, 'Forbidden'] as const)
            : // The chat's connections on both transports together stay within the cap.
              this.#chat.connectionCount + this.#sockets.size >= this.#o.maxConnections
              ? ([503, 'Service Unavailable'] as const)
              : undefined;
    if (refusal !== undefined) {
      this.#log.info(
        {
          status: refusal[0],
          origin: String(req.headers.origin ?? '').slice(0, 200),
          remote: remoteOf(socket),
        },
        'WebSocket upgrade refused',
      );
      const body = `${refusal[1]}\n`;
      socket.once('finish', () => socket.destroy());
      socket.end(
        `HTTP/1.1 ${refusal[0]} ${refusal[1]}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
          `Content-Length: ${body.length}\r\nX-Content-Type-Options: nosniff\r\n\r\n${body}`,
      );
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const transport = new WsTransport(ws, socket);
      const conn = this.#chat.attach(transport, remoteOf(socket));
      this.#sockets.set(conn, transport);
      wireWebSocket(ws, socket, transport, conn, this.#log, () => this.#sockets.delete(conn));
      if (this.#closing) conn.shutdown();
    });
  }
}

/** Builds the web listener of `chat` (not listening until `listen()`); pass an `https.Server` for TLS. */
export function createChatWebServer(
  chat: ChatServer,
  options: ChatWebOptions,
  server?: HttpServer,
): ChatWebServer {
  return new ChatWebServer(chat, options, server);
}
