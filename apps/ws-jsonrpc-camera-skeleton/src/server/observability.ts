import { JsonRpcErrorCode } from '@sockworks/error-codes';
import { createObservability, type Observability } from '@sockworks/metrics';
import { methods as defaultMethods, type MethodRegistry } from './methods/index.js';

/** What the WebSocket server reports besides health: metrics (when on) and the opt-in request log. */
export interface WsObservabilityOptions {
  /** Count and time requests, serve /metrics (`--metrics`, on by default). */
  metrics: boolean;
  /** `--log-requests`. */
  logRequests?: boolean;
  /** The methods served (the `method` label values). @default the default registry */
  methods?: MethodRegistry;
}

/**
 * ws's metric labels: `method` is a registered method or `rpc.discover`, `type` is `response` (one
 * per WebSocket message sent: a response or a batch of them), `code` a JSON-RPC error code as text
 * (`-32601`); anything else is `other`.
 */
export function createWsObservability(options: WsObservabilityOptions): Observability {
  return createObservability({
    logRequests: options.logRequests,
    metrics: options.metrics
      ? {
          methods: [...Object.keys(options.methods ?? defaultMethods), 'rpc.discover'],
          sentTypes: ['response'],
          errorCodes: Object.values(JsonRpcErrorCode).map(String),
        }
      : undefined,
  });
}
