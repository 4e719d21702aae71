import { JsonRpcErrorCode } from '@sockworks/error-codes';
import { PartialMessageGuard } from '@sockworks/framing';
import { type Logger, silentLogger } from '@sockworks/logging';
import { type BoundAddress, type ListenTarget, NetService } from '@sockworks/service';
import type { JsonObject } from '../protocol/messages.js';
import { encodeMessage } from './codec.js';
import { type ConnectionDeps, type ConnectionLimits, RpcConnection } from './connection.js';
import { RpcRouter } from './router.js';
import type { RpcMethod, RpcPeer, RpcTransport } from './types.js';

/** Options of {@link RpcServer}. */
export interface RpcServerOptions extends ConnectionLimits {
  /** Connections beyond this get one error and are closed. @default 10000 */
  maxConnections: number;
  /** Most requests in one JSON-RPC 2.0 batch. @default 100 */
  maxBatch: number;
  /** Send a heartbeat every this many ms and drop clients silent for a whole interval (0: off). @default 0 */
  heartbeatIntervalMs: number;
  /** Drain deadline of close(). @default 10000 */
  closeTimeoutMs: number;
  /** A request must be complete this long after its first byte, else MESSAGE_TIMEOUT and a close (0: off). @default 30000 */
  messageTimeoutMs: number;
  /** Bytes of unfinished requests held across all clients before the one passing it is cut off (0: off). @default 64 MiB */
  partialBudgetBytes: number;
  /** The notice every connection gets on shutdown. */
  goodbye?: () => JsonObject | undefined;
  logger?: Logger;
}

/**
 * The RPC transport: accepts TCP connections (through NetService), frames and routes requests to
 * registered methods, and broadcasts. Knows nothing about chat.
 */
export class RpcServer implements RpcTransport {
  readonly #service: NetService<RpcConnection>;
  readonly #router: RpcRouter;
  readonly #log: Logger;
  readonly #connectListeners: ((peer: RpcPeer) => void)[] = [];
  readonly #disconnectListeners: ((peer: RpcPeer) => void)[] = [];
  readonly #heartbeatMs: number;
  readonly #partials: PartialMessageGuard<RpcConnection>;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(options: RpcServerOptions) {
    this.#log = options.logger ?? silentLogger();
    this.#router = new RpcRouter({
      maxBatch: options.maxBatch,
      maxDepth: options.maxDepth,
      logger: this.#log,
    });
    this.#heartbeatMs = options.heartbeatIntervalMs;
    this.#partials = new PartialMessageGuard<RpcConnection>({
      messageTimeoutMs: options.messageTimeoutMs,
      budgetBytes: options.partialBudgetBytes,
      onHolderError: (err) => this.#log.error({ err }, 'cutting off an unfinished request failed'),
    });
    const deps: ConnectionDeps = {
      router: this.#router,
      limits: options,
      partials: this.#partials,
      goodbye: options.goodbye,
      onClose: (conn) => this.#closed(conn),
      debugLogs: this.#log.isLevelEnabled('debug'),
    };
    this.#service = new NetService<RpcConnection>({
      logger: this.#log,
      maxConnections: options.maxConnections,
      closeTimeoutMs: options.closeTimeoutMs,
      // Half-open: a client that shuts down its sending side still gets the replies to what it sent.
      serverOptions: { allowHalfOpen: true },
      createConnection: (socket, ctx) => this.#accept(new RpcConnection(socket, ctx, deps)),
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
  }

  /** The live connections. */
  get connections(): ReadonlySet<RpcConnection> {
    return this.#service.connections;
  }

  /** The bound address once listening. */
  get address(): BoundAddress | null {
    return this.#service.address;
  }

  register<P, R extends JsonObject>(name: string, method: RpcMethod<P, R>): void {
    this.#router.register(name, method);
  }

  onConnect(listener: (peer: RpcPeer) => void): void {
    this.#connectListeners.push(listener);
  }

  onDisconnect(listener: (peer: RpcPeer) => void): void {
    this.#disconnectListeners.push(listener);
  }

  /**
   * Sends `message` to every recipient. It is serialised at most twice (plain and JSON-RPC
   * notification form), whatever the number of recipients, and the same Buffer goes to each socket.
   */
  broadcast(message: JsonObject, recipients: Iterable<RpcPeer>): void {
    let plain: Buffer | undefined;
    let notification: Buffer | undefined;
    for (const peer of recipients) {
      if (!(peer instanceof RpcConnection)) continue;
      if (peer.jsonRpc) {
        notification ??= encodeMessage({ jsonrpc: '2.0', method: 'chat', params: message });
        peer.send(notification);
      } else {
        plain ??= encodeMessage(message);
        peer.send(plain);
      }
    }
  }

  /** Listens; resolves with the bound address. */
  async listen(target: ListenTarget): Promise<BoundAddress> {
    const address = await this.#service.listen(target);
    if (this.#heartbeatMs > 0) {
      this.#heartbeat = setInterval(() => this.#beat(), this.#heartbeatMs);
      this.#heartbeat.unref();
    }
    return address;
  }

  /** Stops accepting, sends every connection the goodbye notice, drains; idempotent. */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    return this.#service.close(options).finally(() => this.#partials.close());
  }

  #closed(conn: RpcConnection): void {
    for (const listener of this.#disconnectListeners)
      this.#safely(() => listener(conn), 'disconnect listener');
  }

  #accept(conn: RpcConnection): RpcConnection {
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
