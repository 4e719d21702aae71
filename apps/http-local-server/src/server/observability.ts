import { createObservability, type Observability } from '@sockworks/metrics';

/** What the HTTP server reports besides health: metrics (when on) and the opt-in request log. */
export interface HttpObservabilityOptions {
  /** Count and time requests, serve /metrics (`--metrics`, on by default). */
  metrics: boolean;
  /** `--log-requests`. */
  logRequests?: boolean;
}

/** The HTTP methods counted by name; any other is `other`. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT'];

/** The error statuses this server answers with (parser errors included), as `code` values. */
const STATUS_CODES = ['400', '405', '408', '413', '414', '431', '501', '503', '505'];

/**
 * http's metric labels: `method` the request method, `type` `response`, `code` the status of an
 * error answer (`405`, `400`, ...); a request answered with 2xx is `ok`.
 */
export function createHttpObservability(options: HttpObservabilityOptions): Observability {
  return createObservability({
    logRequests: options.logRequests,
    metrics: options.metrics
      ? { methods: METHODS, sentTypes: ['response'], errorCodes: STATUS_CODES }
      : undefined,
  });
}
