import type { Logger } from '@sockworks/logging';
import type { Closable } from '@sockworks/service';
import { Health } from './health.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';
import { RequestRecorder } from './request-recorder.js';
import { ServiceMetrics, type ServiceMetricsOptions } from './service-metrics.js';

/** Options of {@link createObservability}. */
export interface ObservabilityOptions {
  /** The metric set's label values; without it nothing is counted (metrics off). */
  metrics?: ServiceMetricsOptions | undefined;
  /** `--log-requests`. @default false */
  logRequests?: boolean | undefined;
}

/** What an app's server takes to be observed: metrics (when on), the request recorder, health. */
export interface Observability {
  readonly metrics: ServiceMetrics | undefined;
  readonly recorder: RequestRecorder;
  readonly health: Health;
}

/** Builds an app's metrics (when on), request recorder and health state. */
export function createObservability(options: ObservabilityOptions = {}): Observability {
  const metrics = options.metrics === undefined ? undefined : new ServiceMetrics(options.metrics);
  return {
    metrics,
    recorder: new RequestRecorder({ metrics, logRequests: options.logRequests }),
    health: new Health(),
  };
}

/** Options of {@link observeService}. */
export interface ObserveServiceOptions {
  /** `--metrics-port`: serve `/metrics`, `/livez`, `/readyz` there; unset: no metrics server. */
  metricsPort?: number | undefined;
  /** `--metrics-host`. @default '127.0.0.1' */
  metricsHost?: string | undefined;
  logger?: Logger;
}

/** A listening service under observation; closing it drains readiness first. */
export interface ObservedService extends Closable {
  /** The metrics server, when a port was given. */
  readonly metricsServer: MetricsServer | undefined;
}

/**
 * Runs a service under observation: starts the metrics server first (when a port is given), then
 * `start()` (create and listen), then marks the service ready, so a probe that sees the service
 * listening finds its health endpoints up. Returns what `runService` should close: it fails readiness
 * first (a load balancer stops sending while connections drain), closes the service, then the
 * metrics server. A failed start closes the metrics server again.
 */
export async function observeService(
  observability: Observability,
  options: ObserveServiceOptions,
  start: () => Promise<Closable>,
): Promise<ObservedService> {
  const { health, metrics } = observability;
  const metricsServer =
    options.metricsPort === undefined
      ? undefined
      : await startMetricsServer({
          host: options.metricsHost,
          port: options.metricsPort,
          metrics,
          health,
          ...(options.logger === undefined ? {} : { logger: options.logger }),
        });
  let service: Closable;
  try {
    service = await start();
  } catch (err) {
    await metricsServer?.close({ timeoutMs: 0 });
    throw err;
  }
  health.setListening();
  let closing: Promise<void> | undefined;
  return {
    metricsServer,
    close(closeOptions) {
      closing ??= (async () => {
        health.setDraining();
        try {
          await service.close(closeOptions);
        } finally {
          await metricsServer?.close();
        }
      })();
      return closing;
    },
  };
}
