import { TcpErrorCode } from '@sockworks/error-codes';
import { createObservability, type Observability } from '@sockworks/metrics';
import { ReplyType, RequestType } from '../protocol/messages.js';

/** What the binary TCP server reports: metrics (when on) and the opt-in request log. */
export interface TcpObservabilityOptions {
  /** Count and time frames (`--metrics-port` given). */
  metrics: boolean;
  /** `--log-requests`. */
  logRequests?: boolean;
}

/**
 * binary-tcp's metric labels: `method` is the request frame's `type` (`ping`, `echo`, ...), `type` the
 * sent frame's (`pong`, `broadcast`, `heartbeat`, `error`, ...), `code` a TcpErrorCode; anything else
 * is `other`.
 */
export function createTcpObservability(options: TcpObservabilityOptions): Observability {
  return createObservability({
    logRequests: options.logRequests,
    metrics: options.metrics
      ? {
          methods: Object.values(RequestType),
          sentTypes: Object.values(ReplyType),
          errorCodes: Object.values(TcpErrorCode),
        }
      : undefined,
  });
}
