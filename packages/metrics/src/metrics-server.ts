import { createServer } from 'node:http';
import type { Logger } from '@sockworks/logging';
import { type BoundAddress, closeHttpServer, listen } from '@sockworks/service';
import type { Health } from './health.js';
import { serveObservability } from './routes.js';
import type { ServiceMetrics } from './service-metrics.js';

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  /** @default '127.0.0.1': metrics describe the service to its operators, not to its clients */
  host?: string;
  port: number;
  metrics?: ServiceMetrics | undefined;
  health: Health;
  logger?: Logger;
}

/** A running metrics and health server. */
export interface MetricsServer {
  readonly address: BoundAddress;
  /** Closes it (open scrapes get `timeoutMs` to finish). */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/** At most this many scrapers and probes at once; a metrics port must not become a way to exhaust fds. */
const MAX_CONNECTIONS = 64;
/** A scrape's request must arrive within this; a slow client cannot hold a slot. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The HTTP server of a socket service's `--metrics-port`: `/metrics`, `/livez`, `/readyz`, 404
 * otherwise. Resolves once listening (rejects with the listen error: port in use, bad host).
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const routes = { metrics: options.metrics, health: options.health };
  const server = createServer((req, res) => {
    if (serveObservability(req, res, routes)) return;
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not Found\n');
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  server.on('clientError', (_err, socket) => socket.destroy());
  // listen() without the logger: its `listening` line is the service's own, not this port's.
  const address = await listen(server, { host: options.host ?? '127.0.0.1', port: options.port });
  server.on('error', (err) => options.logger?.error({ err }, 'metrics server error'));
  options.logger?.info({ metrics: address }, 'metrics server listening');
  return {
    address,
    close: (closeOptions = {}) =>
      closeHttpServer(server, {
        timeoutMs: closeOptions.timeoutMs ?? 1000,
        ...(options.logger === undefined ? {} : { logger: options.logger }),
      }),
  };
}
