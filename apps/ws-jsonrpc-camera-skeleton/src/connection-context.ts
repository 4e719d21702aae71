import { connectionLogger, type Logger } from '@sockworks/logging';
import type { RpcContext } from './context.js';

/**
 * The {@link RpcContext} of one connection. The child logger is created on first use: most idle
 * connections never log at an enabled level, and a pino child per socket is memory they need not hold.
 */
export class ConnectionContext implements RpcContext {
  readonly connectionId: number;
  readonly remote: string;
  readonly #parent: Logger;
  #logger: Logger | undefined;

  constructor(connectionId: number, remote: string, parent: Logger) {
    this.connectionId = connectionId;
    this.remote = remote;
    this.#parent = parent;
  }

  /** The connection's child logger (`conn`, `remote`), created on first access. */
  get logger(): Logger {
    this.#logger ??= connectionLogger(this.#parent, { conn: this.connectionId, remote: this.remote });
    return this.#logger;
  }
}
