import type { Logger } from 'pino';
import { connectionLogger, type LogLevel } from './create-logger.js';

/**
 * A connection's logger that is only built when a line is written. An idle connection then holds
 * this small object instead of a pino child (and its bindings string); level checks go to the
 * parent, whose level a child inherits, so asking "is debug on?" never builds the child.
 * `remote` may be a function, for a peer address worth computing only when it is logged.
 */
export class LazyConnectionLogger {
  readonly conn: number | string;
  #parent: Logger | undefined;
  #remote: string | (() => string) | undefined;
  #logger: Logger | undefined;

  constructor(parent: Logger, conn: number | string, remote?: string | (() => string)) {
    this.conn = conn;
    this.#parent = parent;
    this.#remote = remote;
  }

  /** True when lines at `level` are written (checked on the parent: the child is not built). */
  enabled(level: Exclude<LogLevel, 'silent'>): boolean {
    return (this.#parent ?? (this.#logger as Logger)).isLevelEnabled(level);
  }

  /** The child logger (`conn`, `remote`), built on first access. */
  get logger(): Logger {
    if (this.#logger === undefined) {
      const parent = this.#parent as Logger;
      const remote = typeof this.#remote === 'function' ? this.#remote() : this.#remote;
      this.#logger = connectionLogger(
        parent,
        remote === undefined ? { conn: this.conn } : { conn: this.conn, remote },
      );
      this.#parent = undefined;
      this.#remote = undefined;
    }
    return this.#logger;
  }
}
