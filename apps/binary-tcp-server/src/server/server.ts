/**
 * The binary TCP server: NetService (listening, connection limit, graceful close) plus the fan-out
 * of broadcasts, the heartbeat sweep and the statistics. `createTcpServer()` is pure: nothing listens
 * until `listen()`.
 */
import type { Socket } from 'node:net';
import { TcpErrorCode } from '@sockworks/error-codes';
import { PARTIAL_MESSAGE_DEFAULTS, PartialMessageGuard } from '@sockworks/framing';
import { type Logger, silentLogger } from '@sockworks/logging';
import type { Observability, RequestRecorder, ServiceMetrics } from '@sockworks/metrics';
import {
  type BoundAddress,
  type Clock,
  checkInt,
  checkNumber,
  IsoClock,
  type ListenTarget,
  NetService,
  withDefaults,
} from '@sockworks/service';
import { encodeFrame } from '../protocol/frame.js';
import { type ConnectionHost, TcpConnection } from './connection.js';
import { type FrameHandler, type HandlerPeer, handleFrame } from './handlers.js';
import { errorJson } from './replies.js';
import { ServerStatistics } from './stats.js';

/** Defaults of {@link TcpServerOptions}; the CLI and the README show the same values. */
export const TCP_SERVER_DEFAULTS = {
  /** @default 'localhost' (the spec's address) */
  host: 'localhost',
  /** @default 9999 (the spec's port) */
  port: 9999,
  /** Largest payload a length header may announce; more gets FRAME_TOO_LARGE and a close. @default 1 MiB */
  maxFrameBytes: 1024 * 1024,
  /** A client whose unsent output passes this is disconnected. @default 1 MiB */
  maxOutputQueueBytes: 1024 * 1024,
  /** Connections beyond this get TOO_MANY_CONNECTIONS and are closed. @default 10000 */
  maxConnections: 10_000,
  /** Deepest JSON nesting accepted in a payload. @default 64 */
  maxDepth: 64,
  /** Idle time after which the server sends a heartbeat; 0 turns the heartbeat off. @default 0 (off) */
  heartbeatIntervalMs: 0,
  /** Time a client has to send anything after a heartbeat before it is dropped. @default 10000 */
  heartbeatTimeoutMs: 10_000,
  /** A frame must be complete this long after its first byte, else MESSAGE_TIMEOUT and a close; 0: no deadline. @default 30000 */
  messageTimeoutMs: PARTIAL_MESSAGE_DEFAULTS.messageTimeoutMs,
  /** Bytes of unfinished frames held across all clients; the frame that passes it gets PARTIAL_BUDGET_EXCEEDED and a close; 0: no budget. @default 64 MiB */
  partialBudgetBytes: PARTIAL_MESSAGE_DEFAULTS.budgetBytes,
  /** Drain deadline of close() before remaining connections are destroyed. @default 10000 */
  closeTimeoutMs: 10_000,
  /**
   * After the server ended a connection (lost framing, shutdown), the peer has this long to close its
   * side before the socket is destroyed, so a peer that never closes cannot hold it. @default 5000
   */
  halfCloseTimeoutMs: 5_000,
} as const;

/** Options of {@link createTcpServer}. */
export interface TcpServerOptions {
  host?: string;
  port?: number;
  maxFrameBytes?: number;
  maxOutputQueueBytes?: number;
  maxConnections?: number;
  maxDepth?: number;
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  messageTimeoutMs?: number;
  partialBudgetBytes?: number;
  closeTimeoutMs?: number;
  halfCloseTimeoutMs?: number;
  /** @default silent */
  logger?: Logger;
  /** Wall clock in ms, for timestamps, uptime and the heartbeat. @default Date.now */
  clock?: Clock;
  /**
   * The business layer: one decoded frame in, one reply out (see handlers.ts). Replace it to extend the
   * protocol or, in tests, to exercise the INTERNAL_ERROR path. @default handleFrame
   */
  handleFrame?: FrameHandler;
  /** Metrics, request log and health (see createTcpObservability). @default none */
  observability?: Observability;
}

type ResolvedOptions = Required<Omit<TcpServerOptions, 'logger' | 'clock' | 'handleFrame' | 'observability'>>;

function resolveOptions(options: TcpServerOptions): ResolvedOptions {
  const o = withDefaults(TCP_SERVER_DEFAULTS, options) as ResolvedOptions;
  checkInt('maxFrameBytes', o.maxFrameBytes, { max: 0xffff_ffff });
  checkInt('maxOutputQueueBytes', o.maxOutputQueueBytes);
  checkInt('maxConnections', o.maxConnections);
  checkInt('maxDepth', o.maxDepth);
  checkNumber('heartbeatIntervalMs', o.heartbeatIntervalMs);
  checkInt('heartbeatTimeoutMs', o.heartbeatTimeoutMs);
  checkNumber('closeTimeoutMs', o.closeTimeoutMs);
  checkNumber('messageTimeoutMs', o.messageTimeoutMs);
  checkNumber('partialBudgetBytes', o.partialBudgetBytes);
  checkInt('halfCloseTimeoutMs', o.halfCloseTimeoutMs);
  checkInt('port', o.port, { min: 0, max: 65535 });
  return o;
}

/** The length-prefixed JSON server. */
export class TcpServer implements ConnectionHost, AsyncDisposable {
  readonly clock: IsoClock;
  readonly stats: ServerStatistics;
  readonly handleFrame: FrameHandler;
  readonly debugLogs: boolean;
  readonly options: Readonly<ResolvedOptions>;
  readonly partials: PartialMessageGuard<TcpConnection>;
  readonly recorder: RequestRecorder | undefined;
  readonly metrics: ServiceMetrics | undefined;
  readonly #service: NetService<TcpConnection>;
  readonly #logger: Logger;
  /** Connections holding corked broadcast writes, uncorked at the end of the current chunk. */
  #fanOut: TcpConnection[] = [];
  #heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(options: TcpServerOptions = {}) {
    const o = resolveOptions(options);
    this.options = o;
    this.handleFrame = options.handleFrame ?? handleFrame;
    this.#logger = options.logger ?? silentLogger();
    this.debugLogs = this.#logger.isLevelEnabled('debug');
    this.clock = new IsoClock(options.clock ?? Date.now);
    this.stats = new ServerStatistics(this.clock.now());
    this.partials = new PartialMessageGuard<TcpConnection>({
      messageTimeoutMs: o.messageTimeoutMs,
      budgetBytes: o.partialBudgetBytes,
      onHolderError: (err) => this.#logger.error({ err }, 'cutting off an unfinished frame failed'),
    });
    const recorder = options.observability?.recorder;
    this.recorder = recorder?.active === true ? recorder : undefined;
    this.metrics = options.observability?.metrics;
    this.#service = new NetService<TcpConnection>({
      ...(this.metrics === undefined ? {} : { observer: this.metrics }),
      logger: this.#logger,
      maxConnections: o.maxConnections,
      closeTimeoutMs: o.closeTimeoutMs,
      createConnection: (socket, ctx) => {
        this.stats.totalConnections++;
        return new TcpConnection(socket, ctx.id, clientIdOf(socket), this, ctx);
      },
      rejectConnection: (socket) => {
        socket.write(
          encodeFrame(
            errorJson(
              TcpErrorCode.TOO_MANY_CONNECTIONS,
              `Server is at its limit of ${o.maxConnections} connections`,
              this.clock.iso(),
            ),
          ),
        );
      },
      serverOptions: { noDelay: true },
    });
  }

  /** The live connections. */
  get connections(): ReadonlySet<TcpConnection> {
    return this.#service.connections;
  }

  /** Resolves once exactly `n` connections are live, on the service's connection events (for tests). */
  waitForConnections(n: number): Promise<void> {
    return this.#service.waitForConnections(n);
  }

  /** The bound address once listening. */
  get address(): BoundAddress | null {
    return this.#service.address;
  }

  /** Listens (default: the `host`/`port` options) and resolves with the bound address. */
  async listen(
    target: ListenTarget = { host: this.options.host, port: this.options.port },
  ): Promise<BoundAddress> {
    const address = await this.#service.listen(target);
    this.stats.startedAtMs = this.clock.now();
    this.#startHeartbeat();
    return address;
  }

  /** Graceful close: stop accepting, let each client finish its frame, destroy after the deadline. Idempotent. */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#heartbeatTimer !== undefined) {
      clearInterval(this.#heartbeatTimer);
      this.#heartbeatTimer = undefined;
    }
    return this.#service.close(options).finally(() => this.partials.close());
  }

  /** Same as close(). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Number of connected clients. */
  connectedClients(): number {
    return this.#service.connections.size;
  }

  /** Sends one shared frame to every client but the sender; counts the clients it was really sent to. */
  broadcast(sender: HandlerPeer, frameJson: string): number {
    const connections = this.#service.connections;
    if (connections.size <= 1) return 0;
    const frame = encodeFrame(frameJson);
    let recipients = 0;
    const fanOut = this.#fanOut;
    for (const conn of connections) {
      if (conn === sender) continue;
      if (conn.sendShared(frame)) {
        recipients++;
        fanOut.push(conn);
      }
    }
    this.stats.broadcastsDelivered += recipients;
    if (recipients > 0) this.metrics?.sent('broadcast', recipients);
    return recipients;
  }

  /** Sends the broadcasts queued while one chunk was processed: one write per recipient. */
  flushFanOut(): void {
    const fanOut = this.#fanOut;
    if (fanOut.length === 0) return;
    this.#fanOut = [];
    for (const conn of fanOut) conn.uncork();
  }

  #startHeartbeat(): void {
    const interval = this.options.heartbeatIntervalMs;
    if (interval === 0) return;
    const timeout = this.options.heartbeatTimeoutMs;
    // One sweep timer for the whole server: per-connection timers would cost memory on idle clients.
    const sweep = Math.max(10, Math.min(interval, timeout) / 2);
    this.#heartbeatTimer = setInterval(() => this.#sweepHeartbeat(interval, timeout), sweep);
    this.#heartbeatTimer.unref();
  }

  #sweepHeartbeat(interval: number, timeout: number): void {
    const now = this.clock.now();
    for (const conn of this.#service.connections) {
      if (conn.heartbeatSentMs !== 0) {
        if (now - conn.heartbeatSentMs >= timeout) conn.drop('heartbeat');
      } else if (now - conn.lastActivityMs >= interval) {
        conn.sendHeartbeat(now);
      }
    }
  }
}

/** Creates a server; nothing listens until `listen()`. */
export function createTcpServer(options: TcpServerOptions = {}): TcpServer {
  return new TcpServer(options);
}

/** The spec's client id: `"host:port"` of the peer as the server sees it. */
function clientIdOf(socket: Socket): string {
  return `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
}
