export { BoundedLabels, OTHER } from './bounded-labels.js';
export { Health, READINESS_CHECK_TIMEOUT_MS, type Readiness, type ReadinessCheck } from './health.js';
export { jsonRpcObserver } from './json-rpc-observer.js';
export { type MetricsServer, type MetricsServerOptions, startMetricsServer } from './metrics-server.js';
export {
  createObservability,
  type Observability,
  type ObservabilityOptions,
  type ObservedService,
  type ObserveServiceOptions,
  observeService,
} from './observe-service.js';
export {
  REQUEST_LOG_MESSAGE,
  type RequestLogTarget,
  RequestRecorder,
  type RequestRecorderOptions,
} from './request-recorder.js';
export {
  LIVEZ_PATH,
  METRICS_PATH,
  type ObservabilityRoutes,
  READYZ_PATH,
  serveObservability,
} from './routes.js';
export {
  CLOSE_REASONS,
  type CloseReason,
  DURATION_BUCKETS,
  REFUSE_REASONS,
  type RefusedReason,
  ServiceMetrics,
  type ServiceMetricsOptions,
} from './service-metrics.js';
