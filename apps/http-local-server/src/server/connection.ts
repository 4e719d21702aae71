import type { Socket } from 'node:net';
import { connectionLogger, type Logger } from '@sockworks/logging';
import { remoteOf } from '@sockworks/service';

/**
 * The connection layer of the HTTP server. Node's http module owns the socket I/O (parser, writes,
 * backpressure) and @sockworks/service's `trackHttpServer` owns tracking, the limit and draining;
 * this class adds the per-connection identity: a connection id, the spec's "New ... connection" log
 * line, and a child logger for later events on the socket.
 *
 * The benchmark opens one connection per request, so the work here is one WeakMap insert; log
 * fields and peer strings are only built when info is enabled, child loggers only when needed.
 */
export class HttpConnectionLog {
  readonly #logger: Logger;
  readonly #ids = new WeakMap<Socket, number>();
  #nextId = 0;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Registers an accepted socket and logs it at info. */
  accept(socket: Socket): void {
    const id = ++this.#nextId;
    this.#ids.set(socket, id);
    if (!this.#logger.isLevelEnabled('info')) return;
    // The spec's two log lines. The fields match a connectionLogger() child's, but building a child
    // for a single line would cost more than the line itself (one connection per request under load).
    if (socket.remoteAddress === undefined) {
      this.#logger.info({ conn: id, remote: 'unix' }, 'New Unix domain socket connection');
    } else {
      const peer = remoteOf(socket);
      this.#logger.info({ conn: id, remote: peer }, `New TCP connection from ${peer}`);
    }
  }

  /** Where a request on `socket` logs its line: the child logger, built only when read. */
  targetFor(socket: Socket): { readonly logger: Logger } {
    const log = this;
    return {
      get logger() {
        return log.loggerFor(socket);
      },
    };
  }

  /** A child logger for `socket` carrying its connection id and peer. */
  loggerFor(socket: Socket): Logger {
    return connectionLogger(this.#logger, { conn: this.#ids.get(socket) ?? 0, remote: remoteOf(socket) });
  }
}
