import { KvErrorCode } from '@sockworks/error-codes';
import { createObservability, type Observability } from '@sockworks/metrics';
import { createDefaultRegistry } from './commands/index.js';

/** What the kv server reports: metrics (when on) and the opt-in request log. */
export interface KvObservabilityOptions {
  /** Count and time requests (`--metrics-port` given). */
  metrics: boolean;
  /** `--log-requests`. */
  logRequests?: boolean;
  /** The label values of `method`. @default the default registry's commands */
  commands?: readonly string[];
}

/**
 * kv's metric labels: `method` is the command (`echo` ... `help`), `type` the reply status
 * (`success`, `error`), `code` a KvErrorCode; anything else is `other`.
 */
export function createKvObservability(options: KvObservabilityOptions): Observability {
  return createObservability({
    logRequests: options.logRequests,
    metrics: options.metrics
      ? {
          methods: options.commands ?? createDefaultRegistry().names(),
          sentTypes: ['success', 'error'],
          errorCodes: Object.values(KvErrorCode),
        }
      : undefined,
  });
}
