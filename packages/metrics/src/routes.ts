import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Health } from './health.js';
import type { ServiceMetrics } from './service-metrics.js';

/** The observability paths. */
export const METRICS_PATH = '/metrics';
export const LIVEZ_PATH = '/livez';
export const READYZ_PATH = '/readyz';

/** What {@link serveObservability} serves. */
export interface ObservabilityRoutes {
  /** `/metrics`; without it that path is not handled. */
  metrics?: ServiceMetrics | undefined;
  /** `/livez` and `/readyz`. */
  health: Health;
}

/**
 * Answers `GET`/`HEAD` of `/metrics`, `/livez` and `/readyz` (query strings ignored) and returns true;
 * any other request is left to the caller (false). The ws and HTTP apps call it first in their own
 * request handlers; the socket services' metrics server uses it alone.
 */
export function serveObservability(
  req: IncomingMessage,
  res: ServerResponse,
  routes: ObservabilityRoutes,
): boolean {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (path !== METRICS_PATH && path !== LIVEZ_PATH && path !== READYZ_PATH) return false;
  if (path === METRICS_PATH && routes.metrics === undefined) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
    return true;
  }
  const head = req.method === 'HEAD';
  if (path === LIVEZ_PATH) {
    send(res, 200, 'text/plain; charset=utf-8', head ? '' : 'ok\n');
  } else if (path === READYZ_PATH) {
    routes.health.readiness().then(
      (r) => send(res, r.ready ? 200 : 503, 'application/json', head ? '' : `${JSON.stringify(r)}\n`),
      () => send(res, 503, 'text/plain; charset=utf-8', head ? '' : 'not ready\n'),
    );
  } else {
    const metrics = routes.metrics as ServiceMetrics;
    metrics.metrics().then(
      (text) => send(res, 200, metrics.contentType, head ? '' : text),
      () => send(res, 500, 'text/plain; charset=utf-8', head ? '' : 'metrics collection failed\n'),
    );
  }
  return true;
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  extra: Record<string, string> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}
