import { performance } from 'node:perf_hooks';
import { type Logger, truncateForLog } from '@sockworks/logging';
import type { ServiceMetrics } from './service-metrics.js';

/** Where a request's log line goes: a logger carrying the connection id (`conn`), built lazily. */
export interface RequestLogTarget {
  readonly logger: Logger;
}

/** Options of {@link RequestRecorder}. */
export interface RequestRecorderOptions {
  /** Counts and times requests when given. */
  metrics?: ServiceMetrics | undefined;
  /** One info line per request (`--log-requests`). @default false */
  logRequests?: boolean | undefined;
}

/** The constant message of a request log line; the values are its fields. */
export const REQUEST_LOG_MESSAGE = 'request';

/**
 * The one place every app's router reports a finished request: the duration histogram, the received
 * and error counters, and the opt-in request log line with the same fields in all five apps:
 * `method`, `id` (when the protocol has one), `durationMs`, `code` (`ok` or the error code) and `conn`
 * (bound on the connection's logger). With neither metrics nor logs on, `start()` does not read the
 * clock and `finish()` returns at once.
 */
export class RequestRecorder {
  readonly #metrics: ServiceMetrics | undefined;
  readonly #log: boolean;
  /** True when anything is recorded; routers may skip preparing arguments otherwise. */
  readonly active: boolean;

  constructor(options: RequestRecorderOptions = {}) {
    this.#metrics = options.metrics;
    this.#log = options.logRequests === true;
    this.active = this.#metrics !== undefined || this.#log;
  }

  /** True when request log lines are written (a router may skip building a log target otherwise). */
  get logs(): boolean {
    return this.#log;
  }

  /** The metrics, if on. */
  get metrics(): ServiceMetrics | undefined {
    return this.#metrics;
  }

  /** A start mark for {@link finish} (0 when nothing is recorded). */
  start(): number {
    return this.active ? performance.now() : 0;
  }

  /**
   * One request done. `code` is `ok` or the error code answered; `id` the request id when the
   * protocol has one; `target` supplies the connection's logger only when a line is written.
   */
  finish(
    started: number,
    method: string,
    code: string,
    id: unknown,
    target: RequestLogTarget | undefined,
  ): void {
    if (!this.active) return;
    const ms = performance.now() - started;
    const metrics = this.#metrics;
    if (metrics !== undefined) {
      metrics.received(method);
      metrics.observe(method, ms / 1000, code);
    }
    if (this.#log && target !== undefined) {
      const logger = target.logger;
      if (!logger.isLevelEnabled('info')) return;
      logger.info(
        {
          method: truncateForLog(method, 100),
          id: typeof id === 'string' ? truncateForLog(id, 100) : (id ?? null),
          durationMs: Math.round(ms * 1000) / 1000,
          code,
        },
        REQUEST_LOG_MESSAGE,
      );
    }
  }
}
