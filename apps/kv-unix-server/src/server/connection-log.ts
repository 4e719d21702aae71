import type { Logger, LogLevel } from '@sockworks/logging';

/**
 * A connection's logger with level checks that do not build it. The service builds each connection's
 * child logger on first access so that idle connections stay small; asking the child whether debug is
 * on would build it for every connection, so checks go to the parent (a child inherits its level).
 */
export interface KvConnectionLog {
  /** True when lines at `level` are written. */
  enabled(level: LogLevel): boolean;
  /** The connection's logger (built on first access when it comes from the service). */
  readonly logger: Logger;
}

/** Level checks against `parent`; the connection's logger taken from `source` only when a line is written. */
export function lazyKvConnectionLog(parent: Logger, source: { readonly logger: Logger }): KvConnectionLog {
  return new LazyKvConnectionLog(parent, source);
}

/** A class rather than an object literal: one small object per connection, no closures. */
class LazyKvConnectionLog implements KvConnectionLog {
  readonly #parent: Logger;
  readonly #source: { readonly logger: Logger };

  constructor(parent: Logger, source: { readonly logger: Logger }) {
    this.#parent = parent;
    this.#source = source;
  }

  enabled(level: LogLevel): boolean {
    return this.#parent.isLevelEnabled(level);
  }

  get logger(): Logger {
    return this.#source.logger;
  }
}

/** A KvConnectionLog over a logger that already exists (tests, embedding the handler). */
export function eagerKvConnectionLog(logger: Logger): KvConnectionLog {
  return { enabled: (level) => logger.isLevelEnabled(level), logger };
}
