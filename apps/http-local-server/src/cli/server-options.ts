import { ConfigError, type ListenTarget } from '@sockworks/service';
import {
  type Config,
  defineCli,
  logFileOption,
  logLevelOption,
  logRequestsOption,
  logRotationOptions,
  metricsEndpointOption,
} from '@sockworks/service/cli';
import { HTTP_LOCAL_SERVER_DEFAULTS, type HttpLocalServerOptions } from '../server/server.js';
import { addressOptions } from './address-options.js';

export { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SOCKET_PATH } from '../protocol/address.js';

const d = HTTP_LOCAL_SERVER_DEFAULTS;

/** Flags and environment variables of the server (`http-local-server --help`). */
export const serverCli = defineCli({
  name: 'http-local-server',
  configFile: { env: 'HTTP_CONFIG' },
  description:
    'HTTP status server over TCP or a Unix domain socket. GET and HEAD on any path answer 200 "running"; ' +
    'other methods get 405. Every response closes the connection. SIGINT/SIGTERM drain and exit 0.',
  options: {
    ...addressOptions({
      host: 'TCP address to bind (0.0.0.0 for every interface, e.g. in a container)',
      port: 'TCP port (0: any free port)',
      path: 'Unix socket path (at most 107 bytes); a stale file is replaced, a live server refused',
    }),
    socketMode: {
      type: 'string',
      flag: '--socket-mode',
      env: 'HTTP_SOCKET_MODE',
      default: '0660',
      placeholder: 'octal',
      description: 'file mode of the Unix socket',
    },
    headersTimeout: {
      type: 'duration',
      flag: '--headers-timeout',
      env: 'HTTP_HEADERS_TIMEOUT',
      default: d.headersTimeoutMs,
      min: 1,
      description: 'time to send the request head; slower clients get 408 and are closed',
    },
    requestTimeout: {
      type: 'duration',
      flag: '--request-timeout',
      env: 'HTTP_REQUEST_TIMEOUT',
      default: d.requestTimeoutMs,
      min: 1,
      description: 'time to send the whole request (must be >= --headers-timeout)',
    },
    timeoutCheckInterval: {
      type: 'duration',
      flag: '--timeout-check-interval',
      env: 'HTTP_TIMEOUT_CHECK_INTERVAL',
      default: d.timeoutCheckIntervalMs,
      min: 1,
      description: 'how often the two timeouts are checked (their granularity)',
    },
    maxHeaderSize: {
      type: 'bytes',
      flag: '--max-header-size',
      env: 'HTTP_MAX_HEADER_SIZE',
      default: d.maxHeaderBytes,
      min: 1,
      description: 'largest request line plus headers; larger get 431',
    },
    maxConnections: {
      type: 'int',
      flag: '--max-connections',
      env: 'HTTP_MAX_CONNECTIONS',
      default: d.maxConnections,
      min: 1,
      description: 'concurrent connections; the excess gets 503 and is closed',
    },
    closeTimeout: {
      type: 'duration',
      flag: '--shutdown-grace',
      env: 'HTTP_SHUTDOWN_GRACE',
      default: d.closeTimeoutMs,
      min: 0,
      description: 'shutdown drain deadline before open connections are destroyed',
    },
    logLevel: logLevelOption('minimum log level (warn silences the per-connection lines)'),
    logFile: logFileOption('HTTP_LOG_FILE', 'also append JSON log lines to this file'),
    ...logRotationOptions('HTTP_LOG_FILE'),
    logRequests: logRequestsOption('HTTP'),
    metrics: metricsEndpointOption('HTTP'),
  },
  examples: [
    'http-local-server                      # http://localhost:8080',
    'http-local-server --socket unix        # /tmp/local_server.sock',
    'HTTP_HOST=0.0.0.0 HTTP_PORT=9000 http-local-server',
  ],
});

/** The parsed server configuration. */
export type ServerConfig = Config<typeof serverCli.spec.options>;

/** Parses an octal file mode such as `0660` or `600`; a ConfigError names the option otherwise. */
export function parseSocketMode(text: string): number {
  if (!/^0?[0-7]{3}$/.test(text.trim())) {
    throw new ConfigError(
      `--socket-mode (HTTP_SOCKET_MODE): invalid value ${JSON.stringify(text)}: expected an octal mode such as 0660`,
    );
  }
  return Number.parseInt(text.trim(), 8);
}

/** Where the configured server listens. */
export function listenTargetOf(config: ServerConfig): ListenTarget {
  return config.socket === 'unix'
    ? { path: config.path, mode: parseSocketMode(config.socketMode) }
    : { host: config.host, port: config.port };
}

/** Server options from the configuration (the logger is added by main). */
export function serverOptionsOf(config: ServerConfig): HttpLocalServerOptions {
  if (config.headersTimeout > config.requestTimeout) {
    throw new ConfigError(
      `--headers-timeout (${config.headersTimeout} ms) must not exceed --request-timeout (${config.requestTimeout} ms)`,
    );
  }
  return {
    headersTimeoutMs: config.headersTimeout,
    requestTimeoutMs: config.requestTimeout,
    timeoutCheckIntervalMs: config.timeoutCheckInterval,
    maxHeaderBytes: config.maxHeaderSize,
    maxConnections: config.maxConnections,
    closeTimeoutMs: config.closeTimeout,
    socketMode: parseSocketMode(config.socketMode),
  };
}
