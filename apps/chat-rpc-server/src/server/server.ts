import { JsonRpcErrorCode } from '@sockworks/error-codes';
import { PARTIAL_MESSAGE_DEFAULTS, PartialMessageGuard } from '@sockworks/framing';
import { LazyConnectionLogger, type Logger, silentLogger } from '@sockworks/logging';
import { jsonRpcObserver, type Observability, type ServiceMetrics } from '@sockworks/metrics';
import { type BoundAddress, ConfigError, NetService } from '@sockworks/service';
import { DEFAULT_HOST, DEFAULT_PORT } from '../protocol/constants.js';
import { type JsonObject, SystemText, systemMessage } from '../protocol/messages.js';
import {
  DEFAULT_CHAT_OPTIONS,
  type DuplicateNamePolicy,
  type Protocol2Options,
} from './chat/chat-options.js';
import { ChatService, type ChatSession } from './chat/chat-service.js';
import type { ChatEngine } from './chat/engine/types.js';
import type { Clock } from './chat/token-bucket.js';
import { DEFAULT_CODEC_LIMITS, encodeMessage } from './codec.js';
import { ChatConnection, type ChatConnectionContext, type ChatConnectionDeps } from './connection.js';
import { ChatRouter } from './router.js';
import type { ChatTransport } from './transport.js';
import type { ChatPeer, ChatServiceHost, DeferredChatMethod } from './types.js';

/** Options of {@link createChatServer}; every field has a default in {@link CHAT_SERVER_DEFAULTS}. */
export interface ChatServerOptions extends Protocol2Options {
  /** Address to listen on. @default '127.0.0.1' */
  host: string;
  /** TCP port (0: any free port). @default 65432 */
  port: number;
  /** Largest request in bytes; larger: one error, then close. @default 8192 */
  maxRequestBytes: number;
  /** Deepest JSON nesting. @default 64 */
  maxDepth: number;
  /** Most requests in one JSON-RPC 2.0 batch. @default 100 */
  maxBatch: number;
  /** Unread output a client may accumulate before it is disconnected, in bytes. @default 1048576 */
  maxOutputBytes: number;
  /** Concurrent connections; more get an error and are closed. @default 10000 */
  maxConnections: number;
  /** Longest username in code points. @default 50 */
  maxUsernameLength: number;
  /** Longest message in code points. @default 1000 */
  maxMessageLength: number;
  /** `suffix` (append `_<port>`) or `reject` ("Username already taken"). @default 'suffix' */
  duplicateNames: DuplicateNamePolicy;
  /** Rate limit burst (join_chat/send_message). @default 10 */
  rateBurst: number;
  /** Rate limit refill per second. @default 2 */
  ratePerSecond: number;
  /** Close clients that have not joined after this many ms (0: never). @default 60000 */
  joinTimeoutMs: number;
  /** Heartbeat interval in ms; clients silent for a whole interval are dropped (0: off). @default 0 */
  heartbeatIntervalMs: number;
  /** A request must be complete this long after its first byte, else MESSAGE_TIMEOUT and a close (0: off). @default 30000 */
  messageTimeoutMs: number;
  /** Bytes of unfinished requests held across all clients; the one passing it gets PARTIAL_BUDGET_EXCEEDED and a close (0: off). @default 67108864 */
  partialBudgetBytes: number;
  /** Where membership, fan-out, history, presence, names and sessions live. @default a MemoryEngine */
  engine?: ChatEngine;
  /** Drain deadline on close, then remaining sockets are destroyed. @default 10000 */
  closeTimeoutMs: number;
  /** How long a closed-by-server client gets to read its last message. @default 2000 */
  lingerMs: number;
  /** Time source of the rate limiter (ms). @default performance.now */
  now?: Clock;
  /** @default silent */
  logger?: Logger;
  /** Metrics, request log and health (see createChatObservability). @default none */
  observability?: Observability;
}

/** The defaults of every {@link ChatServerOptions} field (RELIABILITY.md limits). */
export const CHAT_SERVER_DEFAULTS: Readonly<
  Omit<ChatServerOptions, 'now' | 'logger' | 'historyFile' | 'engine' | 'observability'>
> = {
  host: DEFAULT_HOST,
  port: DEFAULT_PORT,
  maxRequestBytes: DEFAULT_CODEC_LIMITS.maxRequestBytes,
  maxDepth: DEFAULT_CODEC_LIMITS.maxDepth,
  maxBatch: 100,
  maxOutputBytes: 1024 * 1024,
  maxConnections: 10_000,
  maxUsernameLength: DEFAULT_CHAT_OPTIONS.maxUsernameLength,
  maxMessageLength: DEFAULT_CHAT_OPTIONS.maxMessageLength,
  duplicateNames: DEFAULT_CHAT_OPTIONS.duplicateNames,
  rateBurst: DEFAULT_CHAT_OPTIONS.rateBurst,
  ratePerSecond: DEFAULT_CHAT_OPTIONS.ratePerSecond,
  joinTimeoutMs: DEFAULT_CHAT_OPTIONS.joinTimeoutMs,
  defaultProtocol: DEFAULT_CHAT_OPTIONS.defaultProtocol,
  maxRoomsPerUser: DEFAULT_CHAT_OPTIONS.maxRoomsPerUser,
  maxRooms: DEFAULT_CHAT_OPTIONS.maxRooms,
  historySize: DEFAULT_CHAT_OPTIONS.historySize,
  historyMaxBytes: DEFAULT_CHAT_OPTIONS.historyMaxBytes,
  sessionTtlMs: DEFAULT_CHAT_OPTIONS.sessionTtlMs,
  maxHeldSessions: DEFAULT_CHAT_OPTIONS.maxHeldSessions,
  heartbeatIntervalMs: 0,
  messageTimeoutMs: PARTIAL_MESSAGE_DEFAULTS.messageTimeoutMs,
  partialBudgetBytes: PARTIAL_MESSAGE_DEFAULTS.budgetBytes,
  closeTimeoutMs: 10_000,
  lingerMs: 2_000,
};

/**
 * The chat server: listens (through NetService), tracks connections (one {@link ChatConnection} per
 * socket), owns the router that answers requests in both dialects with the chat handlers
 * ({@link ChatService}) registered on it, fans broadcasts out, sends heartbeats and closes
 * gracefully. Not listening until `listen()`.
 */
export class ChatServer implements ChatServiceHost, AsyncDisposable {
  readonly #options: ChatServerOptions;
  readonly #chat: ChatService;
  readonly #service: NetService<ChatConnection>;
  readonly #router: ChatRouter;
  readonly #log: Logger;
  readonly #connectListeners: ((peer: ChatPeer) => void)[] = [];
  readonly #disconnectListeners: ((peer: ChatPeer) => void)[] = [];
  readonly #heartbeatMs: number;
  readonly #partials: PartialMessageGuard<ChatConnection>;
  #heartbeat: NodeJS.Timeout | undefined;
  /** The connection deps every transport shares (see `attach`). */
  readonly #deps: ChatConnectionDeps;
  /** Ids of attached connections: from 2^31, so they never meet the TCP listener's 1, 2, 3, ... */
  #nextAttachedId = 2 ** 31;
  /** Other listeners (the web one) closed with this server, before its engine. */
  readonly #alsoClose: { close(options?: { timeoutMs?: number }): Promise<void> }[] = [];
  readonly #metrics: ServiceMetrics | undefined;

  constructor(options: Partial<ChatServerOptions> = {}) {
    const o: ChatServerOptions = { ...CHAT_SERVER_DEFAULTS, ...options };
    checkOptions(o);
    this.#options = o;
    this.#log = o.logger ?? silentLogger();
    const recorder = o.observability?.recorder.active === true ? o.observability.recorder : undefined;
    const metrics = o.observability?.metrics;
    this.#metrics = metrics;
    this.#router = new ChatRouter({
      maxBatch: o.maxBatch,
      maxDepth: o.maxDepth,
      logger: this.#log,
      observer:
        recorder === undefined
          ? undefined
          : jsonRpcObserver(recorder, (ctx) =>
              ctx.peer instanceof ChatConnection ? ctx.peer.requestLog : undefined,
            ),
    });
    this.#heartbeatMs = o.heartbeatIntervalMs;
    this.#partials = new PartialMessageGuard<ChatConnection>({
      messageTimeoutMs: o.messageTimeoutMs,
      budgetBytes: o.partialBudgetBytes,
      onHolderError: (err) => this.#log.error({ err }, 'cutting off an unfinished request failed'),
    });
    const deps: ChatConnectionDeps = {
      router: this.#router,
      limits: o,
      partials: this.#partials,
      goodbye: () => systemMessage(SystemText.shuttingDown),
      onClose: (conn) => this.#closed(conn),
      debugLogs: this.#log.isLevelEnabled('debug'),
      recorder,
      metrics,
    };
    this.#deps = deps;
    this.#service = new NetService<ChatConnection>({
      ...(metrics === undefined ? {} : { observer: metrics }),
      logger: this.#log,
      maxConnections: o.maxConnections,
      closeTimeoutMs: o.closeTimeoutMs,
      // Half-open: a client that shuts down its sending side still gets the replies to what it sent.
      serverOptions: { allowHalfOpen: true },
      createConnection: (socket, ctx) => this.#accept(ChatConnection.forSocket(socket, ctx, deps)),
      rejectConnection: (socket) => {
        socket.write(
          encodeMessage({ error: 'Too many connections', code: JsonRpcErrorCode.SERVER_ERROR_MAX }),
        );
      },
    });
    // Any request proves liveness; `ping` is the one that does nothing else.
    this.#router.register('ping', {
      description: 'Liveness check; answers {"status":"success","message":"pong"}.',
      parseParams: () => undefined,
      handler: () => ({ status: 'success', message: 'pong' }),
    });
    // The chat handlers: the spec's four and protocol 2's (rooms, history, presence, ...).
    // A history reply stays well under the output cap, whatever its messages hold.
    this.#chat = new ChatService(this, { ...o, historyReplyMaxBytes: Math.floor(o.maxOutputBytes / 4) });
    metrics?.allowMethods(this.#router.methodNames);
  }

  /** Open connections (joined or not). */
  get connectionCount(): number {
    return this.#service.connections.size;
  }

  /** Resolves once exactly `n` connections are open, on the service's connection events (for tests). */
  waitForConnections(n: number): Promise<void> {
    return this.#service.waitForConnections(n);
  }

  /** Joined users in join order. */
  get sessions(): readonly ChatSession[] {
    return this.#chat.sessions;
  }

  /** The bound address once listening. */
  get address(): BoundAddress | null {
    return this.#service.address;
  }

  register<P, R extends JsonObject>(name: string, method: DeferredChatMethod<P, R>): void {
    this.#router.register(name, method);
  }

  onConnect(listener: (peer: ChatPeer) => void): void {
    this.#connectListeners.push(listener);
  }

  onDisconnect(listener: (peer: ChatPeer) => void): void {
    this.#disconnectListeners.push(listener);
  }

  /**
   * Sends `message` to every recipient. It is serialised at most twice (plain and JSON-RPC
   * notification form), whatever the number of recipients, and the same Buffer goes to each socket.
   */
  broadcast(message: JsonObject, recipients: Iterable<ChatPeer>): void {
    let plain: Buffer | undefined;
    let notification: Buffer | undefined;
    let sent = 0;
    for (const peer of recipients) {
      if (!(peer instanceof ChatConnection)) continue;
      if (peer.jsonRpc) {
        notification ??= encodeMessage({ jsonrpc: '2.0', method: 'chat', params: message });
        peer.send(notification);
      } else {
        plain ??= encodeMessage(message);
        peer.send(plain);
      }
      sent++;
    }
    if (sent > 0) this.#metrics?.sent('broadcast', sent);
  }

  /**
   * Serves a connection accepted by another listener (a WebSocket of the web listener) exactly like a
   * TCP one: same router, limits, rate limits, output cap, join deadline. The caller feeds it input
   * (`onFrame`), drain and close events, and enforces its own connection limit.
   */
  attach(transport: ChatTransport, remote: string): ChatConnection {
    const id = this.#nextAttachedId++;
    const lazy = new LazyConnectionLogger(this.#log, id, remote);
    const ctx: ChatConnectionContext = {
      id,
      remote,
      get logger() {
        return lazy.logger;
      },
    };
    return this.#accept(new ChatConnection(transport, ctx, this.#deps));
  }

  /**
   * Runs one plain-dialect request as the connection of this instance whose user holds session
   * `token` (the REST API acts as that user: its rate limit, rooms and membership apply).
   * Undefined when no joined user here holds it.
   */
  async requestAs(token: string, request: JsonObject): Promise<JsonObject | undefined> {
    const peer = this.#chat.peerOfSession(token);
    if (peer === undefined) return undefined;
    const after: (() => void)[] = [];
    const reply = await this.#router.handlePlain(request, { peer, afterReply: (fn) => after.push(fn) });
    for (const fn of after) this.#safely(fn, 'afterReply callback');
    return reply;
  }

  /** Closes `other` (e.g. the web listener) together with this server, before the engine closes. */
  closeWith(other: { close(options?: { timeoutMs?: number }): Promise<void> }): void {
    this.#alsoClose.push(other);
  }

  /** The engine holding the chat's shared state. */
  get engine(): ChatEngine {
    return this.#chat.engine;
  }

  sendInOrder(peer: ChatPeer, messages: readonly JsonObject[]): Promise<void> {
    return peer instanceof ChatConnection ? peer.sendPaced(messages) : Promise.resolve();
  }

  /**
   * Loads the chat's persistent state (the history file), then listens on `host:port` (options,
   * overridable here); resolves with the bound address.
   */
  async listen(target: { host?: string; port?: number } = {}): Promise<BoundAddress> {
    await this.#chat.start();
    let address: BoundAddress;
    try {
      address = await this.#service.listen({
        host: target.host ?? this.#options.host,
        port: target.port ?? this.#options.port,
      });
    } catch (err) {
      await this.#chat.close();
      throw err;
    }
    if (this.#heartbeatMs > 0) {
      this.#heartbeat = setInterval(() => this.#beat(), this.#heartbeatMs);
      this.#heartbeat.unref();
    }
    return address;
  }

  /** Stops accepting, tells everyone the server is shutting down, drains; idempotent. */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    const closing = [this.#service.close(options), ...this.#alsoClose.map((other) => other.close(options))];
    return Promise.all(closing)
      .finally(async () => {
        this.#partials.close();
        // After the connections: their sessions end (or are held) through the engine first.
        await this.#chat.close();
      })
      .then(() => undefined);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #closed(conn: ChatConnection): void {
    for (const listener of this.#disconnectListeners)
      this.#safely(() => listener(conn), 'disconnect listener');
  }

  #accept(conn: ChatConnection): ChatConnection {
    for (const listener of this.#connectListeners) this.#safely(() => listener(conn), 'connect listener');
    return conn;
  }

  /** Drops connections that sent nothing since the last beat; pings the others. */
  #beat(): void {
    const ping = encodeMessage({ type: 'heartbeat' });
    const rpcPing = encodeMessage({ jsonrpc: '2.0', method: 'heartbeat' });
    for (const conn of this.#service.connections) {
      if (!conn.alive) {
        this.#log.info({ conn: conn.id }, 'no traffic for a heartbeat interval; disconnecting');
        conn.destroy();
        continue;
      }
      conn.alive = false;
      conn.send(conn.jsonRpc ? rpcPing : ping);
    }
  }

  #safely(fn: () => void, what: string): void {
    try {
      fn();
    } catch (err) {
      this.#log.error({ err }, `${what} failed`);
    }
  }
}

/** Builds a chat server (see {@link ChatServer}). Pure: no listen. */
export function createChatServer(options: Partial<ChatServerOptions> = {}): ChatServer {
  return new ChatServer(options);
}

function checkOptions(o: ChatServerOptions): void {
  const atLeast = (name: keyof ChatServerOptions, min: number) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
      throw new ConfigError(`${name} must be a number >= ${min} (got ${String(v)})`);
    }
  };
  atLeast('maxRequestBytes', 64);
  atLeast('maxDepth', 2);
  atLeast('maxBatch', 1);
  atLeast('maxOutputBytes', 1024);
  atLeast('maxConnections', 1);
  atLeast('heartbeatIntervalMs', 0);
  atLeast('closeTimeoutMs', 0);
  atLeast('messageTimeoutMs', 0);
  atLeast('partialBudgetBytes', 0);
  atLeast('lingerMs', 0);
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)
    throw new ConfigError(`port must be 0-65535 (got ${o.port})`);
}
