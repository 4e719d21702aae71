import { ChatErrorCode, FramingErrorCode, JsonRpcErrorCode } from '@sockworks/error-codes';
import { createObservability, type Observability } from '@sockworks/metrics';

/** What the chat server reports: metrics (when on) and the opt-in request log. */
export interface ChatObservabilityOptions {
  /** Count and time requests (`--metrics-port` given). */
  metrics: boolean;
  /** `--log-requests`. */
  logRequests?: boolean;
}

/**
 * chat's metric labels: `method` is a registered method (added by the server once its methods are
 * registered), `type` one of `reply`, `broadcast` (once per recipient), `error`; `code` a
 * ChatErrorCode, a framing code or a JSON-RPC code (as text, e.g. `-32601`); anything else is `other`.
 */
export function createChatObservability(options: ChatObservabilityOptions): Observability {
  return createObservability({
    logRequests: options.logRequests,
    metrics: options.metrics
      ? {
          methods: [],
          sentTypes: ['reply', 'broadcast', 'error'],
          errorCodes: [
            ...Object.values(ChatErrorCode),
            ...Object.values(FramingErrorCode),
            ...Object.values(JsonRpcErrorCode).map(String),
          ],
          rateLimitedCode: ChatErrorCode.RATE_LIMITED,
        }
      : undefined,
  });
}
