import type { Socket } from 'node:net';
import { LazyConnectionLogger, type Logger } from '@sockworks/logging';
import { remoteOf } from '@sockworks/service';
import type { RpcContext } from './context.js';

/**
 * The {@link RpcContext} of one connection. The remote address and the child logger are worked out on
 * first use: with connection lines off (LOG_LEVEL=warn) an idle connection needs neither, and a peer
 * address object, its strings and a pino child per socket are memory it need not hold.
 */
export class WsConnectionContext implements RpcContext {
  readonly connectionId: number;
  readonly #socket: Socket;
  readonly #log: LazyConnectionLogger;
  #remote: string | undefined;

  constructor(connectionId: number, socket: Socket, parent: Logger) {
    this.connectionId = connectionId;
    this.#socket = socket;
    this.#log = new LazyConnectionLogger(parent, connectionId, () => this.remote);
  }

  /** `host:port` of the client; `unknown` if first asked after the socket closed. */
  get remote(): string {
    // Only TCP here, so no address means the socket is gone (remoteOf would say "unix").
    this.#remote ??= this.#socket.remoteAddress === undefined ? 'unknown' : remoteOf(this.#socket);
    return this.#remote;
  }

  /** The connection's child logger (`conn`, `remote`), created on first access. */
  get logger(): Logger {
    return this.#log.logger;
  }
}
