/**
 * The observability flags every server shares, defined once: the socket services' metrics port
 * (`metricsOptions`), the HTTP services' `/metrics` switch (`metricsEndpointOption`) and the opt-in
 * request log (`logRequestsOption`). Env vars carry the app's prefix (`KV_METRICS_PORT`).
 */

/**
 * `--metrics-port` / `<PREFIX>_METRICS_PORT` and `--metrics-host` / `<PREFIX>_METRICS_HOST`: the HTTP
 * server of a socket service's `/metrics`, `/livez` and `/readyz`. Off while no port is given; bound to
 * the loopback interface unless a host is given, since metrics describe the service to its operators.
 */
export function metricsOptions(envPrefix: string) {
  return {
    metricsPort: {
      type: 'port',
      flag: '--metrics-port',
      env: `${envPrefix}_METRICS_PORT`,
      description: 'Serve /metrics, /livez and /readyz over HTTP on this port (unset: off; 0: any free port)',
    },
    metricsHost: {
      type: 'string',
      flag: '--metrics-host',
      env: `${envPrefix}_METRICS_HOST`,
      default: '127.0.0.1',
      placeholder: 'host',
      description: 'Interface of the metrics port',
    },
  } as const;
}

/** `--metrics` / `<PREFIX>_METRICS`: an HTTP service's `/metrics` (on by default; `--no-metrics` turns it off). */
export function metricsEndpointOption(envPrefix: string) {
  return {
    type: 'boolean',
    flag: '--metrics',
    env: `${envPrefix}_METRICS`,
    default: true,
    description: 'Serve Prometheus metrics at /metrics (--no-metrics: off, nothing is counted)',
  } as const;
}

/** `--log-requests` / `<PREFIX>_LOG_REQUESTS`: one info line per request (off by default). */
export function logRequestsOption(envPrefix: string) {
  return {
    type: 'boolean',
    flag: '--log-requests',
    env: `${envPrefix}_LOG_REQUESTS`,
    default: false,
    description: 'Log one info line per request: method, id, durationMs, code, conn',
  } as const;
}
