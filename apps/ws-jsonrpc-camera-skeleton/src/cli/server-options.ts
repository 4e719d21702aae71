import { LOG_LEVELS } from '@sockworks/logging';
import {
  defineCli,
  logLevelOption,
  logRequestsOption,
  logRotationOptions,
  metricsEndpointOption,
} from '@sockworks/service/cli';
import { DEFAULT_SERVER_OPTIONS } from '../server/options.js';

/** The server's flags and environment variables (flags win over env, env over a --config file, then defaults). */
export const serverCli = defineCli({
  name: 'ws-jsonrpc-camera-skeleton',
  configFile: { env: 'WS_CONFIG' },
  description:
    'WebSocket JSON-RPC 2.0 server (camera service skeleton): ws://<host>:<port><path>, GET /healthz for health checks.',
  options: {
    host: {
      type: 'string',
      flag: '--host',
      env: 'WS_HOST',
      default: '0.0.0.0',
      description: 'Interface to listen on',
    },
    port: {
      type: 'port',
      flag: '--port',
      short: '-p',
      env: 'WS_PORT',
      default: 8002,
      description: 'TCP port (0 = any free port)',
    },
    path: {
      type: 'string',
      flag: '--path',
      env: 'WS_PATH',
      default: DEFAULT_SERVER_OPTIONS.path,
      description: 'URL path of the WebSocket endpoint',
    },
    logFile: {
      type: 'string',
      flag: '--log-file',
      env: 'WS_LOG_FILE',
      default: 'logs/server.log',
      description:
        'Log file (JSON lines, relative to the working directory, directory created); "none" disables it',
    },
    ...logRotationOptions('WS_LOG_FILE'),
    logRequests: logRequestsOption('WS'),
    metrics: metricsEndpointOption('WS'),
    logLevel: logLevelOption(),
    messageLogLevel: {
      type: 'enum',
      flag: '--message-log-level',
      env: 'WS_MESSAGE_LOG_LEVEL',
      choices: LOG_LEVELS,
      default: DEFAULT_SERVER_OPTIONS.messageLogLevel,
      description: 'Level of the per-message lines (received, sending, method called); info costs throughput',
    },
    logMaxChars: {
      type: 'int',
      flag: '--log-max-chars',
      env: 'WS_LOG_MAX_CHARS',
      min: 16,
      default: DEFAULT_SERVER_OPTIONS.logMaxChars,
      description: 'Logged message text is cut to this many characters',
    },
    maxPayload: {
      type: 'bytes',
      flag: '--max-payload',
      env: 'WS_MAX_PAYLOAD',
      min: 64,
      default: DEFAULT_SERVER_OPTIONS.maxPayload,
      description: 'Largest incoming message; bigger ones close the connection with 1009',
    },
    maxBufferedBytes: {
      type: 'bytes',
      flag: '--max-buffered',
      env: 'WS_MAX_BUFFERED',
      min: 1024,
      default: DEFAULT_SERVER_OPTIONS.maxBufferedBytes,
      description: 'Output queue cap per client; a client that stops reading is disconnected past it',
    },
    maxConnections: {
      type: 'int',
      flag: '--max-connections',
      env: 'WS_MAX_CONNECTIONS',
      min: 1,
      default: DEFAULT_SERVER_OPTIONS.maxConnections,
      description: 'Concurrent WebSocket clients; the excess gets HTTP 503 before the upgrade',
    },
    heartbeatIntervalMs: {
      type: 'duration',
      flag: '--heartbeat-interval',
      env: 'WS_HEARTBEAT_INTERVAL',
      min: 0,
      default: DEFAULT_SERVER_OPTIONS.heartbeatIntervalMs,
      description: 'Ping every client this often; no pong by the next ping = terminated (0 = off)',
    },
    closeTimeoutMs: {
      type: 'duration',
      flag: '--shutdown-grace',
      env: 'WS_SHUTDOWN_GRACE',
      min: 0,
      default: DEFAULT_SERVER_OPTIONS.closeTimeoutMs,
      description: 'On SIGINT/SIGTERM: clients get close 1001, the rest are terminated after this',
    },
    maxBatch: {
      type: 'int',
      flag: '--max-batch',
      env: 'WS_MAX_BATCH',
      min: 1,
      default: DEFAULT_SERVER_OPTIONS.maxBatch,
      description: 'Requests per JSON-RPC batch (longer batches get error -32010)',
    },
    maxDepth: {
      type: 'int',
      flag: '--max-depth',
      env: 'WS_MAX_DEPTH',
      min: 2,
      default: DEFAULT_SERVER_OPTIONS.maxDepth,
      description: 'JSON nesting depth (deeper messages get -32600)',
    },
    headersTimeoutMs: {
      type: 'duration',
      flag: '--headers-timeout',
      env: 'WS_HEADERS_TIMEOUT',
      min: 1,
      default: DEFAULT_SERVER_OPTIONS.headersTimeoutMs,
      description: 'Time to receive the HTTP request headers (upgrade or /healthz); slowloris guard',
    },
    requestTimeoutMs: {
      type: 'duration',
      flag: '--request-timeout',
      env: 'WS_REQUEST_TIMEOUT',
      min: 1,
      default: DEFAULT_SERVER_OPTIONS.requestTimeoutMs,
      description:
        'Time for a whole plain HTTP request, at least --headers-timeout (upgraded sockets are not affected)',
    },
    timeoutCheckIntervalMs: {
      type: 'duration',
      flag: '--timeout-check-interval',
      env: 'WS_TIMEOUT_CHECK_INTERVAL',
      min: 1,
      default: DEFAULT_SERVER_OPTIONS.timeoutCheckIntervalMs,
      description: 'How often the two HTTP timeouts are checked (their granularity; Node default 30 s)',
    },
    maxHeaderBytes: {
      type: 'bytes',
      flag: '--max-header-size',
      env: 'WS_MAX_HEADER_SIZE',
      min: 1024,
      default: DEFAULT_SERVER_OPTIONS.maxHeaderBytes,
      description: 'Largest HTTP request header block (431 over it)',
    },
    authToken: {
      type: 'string',
      flag: '--auth-token',
      env: 'WS_AUTH_TOKEN',
      secret: true,
      description: 'Require "Authorization: Bearer <token>" on the upgrade (401 otherwise); unset = no auth',
    },
    allowedOrigins: {
      type: 'string',
      flag: '--allowed-origins',
      env: 'WS_ALLOWED_ORIGINS',
      placeholder: 'origin,origin',
      description: 'Comma-separated Origin allow-list; an upgrade with another Origin gets 403; unset = any',
    },
  },
  examples: [
    'ws-jsonrpc-camera-skeleton',
    'WS_PORT=9000 LOG_LEVEL=warn WS_LOG_FILE=none ws-jsonrpc-camera-skeleton',
    'ws-jsonrpc-camera-skeleton --auth-token s3cret --allowed-origins https://camera.example',
  ],
});

/** Splits the comma-separated origin list; empty entries are dropped. */
export function parseOriginList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
