/** Flags and environment variables of the server (`binary-tcp-server --help`). */
import {
  defineCli,
  logFileOption,
  logLevelOption,
  logRequestsOption,
  logRotationOptions,
  metricsOptions,
} from '@sockworks/service/cli';
import { TCP_SERVER_DEFAULTS } from '../server/server.js';

export const serverCli = defineCli({
  name: 'binary-tcp-server',
  description:
    'Length-prefixed JSON TCP server: frames are a 4-byte big-endian length and a UTF-8 JSON object. ' +
    'Answers ping, echo, broadcast, get_stats and message.',
  configFile: { env: 'TCP_CONFIG' },
  options: {
    host: {
      type: 'string',
      flag: '--host',
      env: 'TCP_HOST',
      default: TCP_SERVER_DEFAULTS.host,
      description: 'Address to listen on (0.0.0.0 for every interface)',
    },
    port: {
      type: 'port',
      flag: '--port',
      short: '-p',
      env: 'TCP_PORT',
      default: TCP_SERVER_DEFAULTS.port,
      description: 'TCP port (0 picks a free one)',
    },
    maxFrameBytes: {
      type: 'bytes',
      flag: '--max-frame-bytes',
      env: 'TCP_MAX_FRAME_BYTES',
      default: TCP_SERVER_DEFAULTS.maxFrameBytes,
      min: 1,
      max: 0xffff_ffff,
      description: 'Largest frame payload; a bigger length header gets FRAME_TOO_LARGE and a close',
    },
    maxOutputQueueBytes: {
      type: 'bytes',
      flag: '--max-output-queue',
      env: 'TCP_MAX_OUTPUT_QUEUE',
      default: TCP_SERVER_DEFAULTS.maxOutputQueueBytes,
      min: 1,
      description: 'Unsent output a client may have queued before it is disconnected',
    },
    maxConnections: {
      type: 'int',
      flag: '--max-connections',
      env: 'TCP_MAX_CONNECTIONS',
      default: TCP_SERVER_DEFAULTS.maxConnections,
      min: 1,
      description: 'Connections beyond this get TOO_MANY_CONNECTIONS and are closed',
    },
    maxDepth: {
      type: 'int',
      flag: '--max-depth',
      env: 'TCP_MAX_DEPTH',
      default: TCP_SERVER_DEFAULTS.maxDepth,
      min: 1,
      max: 10_000,
      description: 'Deepest JSON nesting accepted in a payload',
    },
    heartbeatIntervalMs: {
      type: 'duration',
      flag: '--heartbeat-interval',
      env: 'TCP_HEARTBEAT_INTERVAL',
      default: TCP_SERVER_DEFAULTS.heartbeatIntervalMs,
      description: 'Send a heartbeat frame to clients idle this long; 0 = off',
    },
    heartbeatTimeoutMs: {
      type: 'duration',
      flag: '--heartbeat-timeout',
      env: 'TCP_HEARTBEAT_TIMEOUT',
      default: TCP_SERVER_DEFAULTS.heartbeatTimeoutMs,
      min: 1,
      description: 'Drop a client that sends nothing this long after a heartbeat',
    },
    messageTimeoutMs: {
      type: 'duration',
      flag: '--message-timeout',
      env: 'TCP_MESSAGE_TIMEOUT',
      default: TCP_SERVER_DEFAULTS.messageTimeoutMs,
      description:
        'A frame must be complete this long after its first byte, else MESSAGE_TIMEOUT and a close (0: no deadline)',
    },
    partialBudgetBytes: {
      type: 'bytes',
      flag: '--partial-budget',
      env: 'TCP_PARTIAL_BUDGET',
      default: TCP_SERVER_DEFAULTS.partialBudgetBytes,
      min: 0,
      description:
        'Most bytes of unfinished frames held across all clients; the frame that passes it gets PARTIAL_BUDGET_EXCEEDED and a close (0: no budget)',
    },
    shutdownGraceMs: {
      type: 'duration',
      flag: '--shutdown-grace',
      env: 'TCP_SHUTDOWN_GRACE',
      default: TCP_SERVER_DEFAULTS.closeTimeoutMs,
      description: 'On SIGINT/SIGTERM, wait this long for clients before destroying them',
    },
    halfCloseTimeoutMs: {
      type: 'duration',
      flag: '--half-close-timeout',
      env: 'TCP_HALF_CLOSE_TIMEOUT',
      default: TCP_SERVER_DEFAULTS.halfCloseTimeoutMs,
      min: 1,
      description:
        'After the server ends a connection, destroy it if the client has not closed its side by then',
    },
    logLevel: logLevelOption(),
    logFile: logFileOption('TCP_LOG_FILE', 'Also append JSON log lines to this file'),
    ...logRotationOptions('TCP_LOG_FILE'),
    logRequests: logRequestsOption('TCP'),
    ...metricsOptions('TCP'),
  },
  examples: [
    'binary-tcp-server',
    'binary-tcp-server --host 0.0.0.0 --port 9999',
    'TCP_PORT=0 binary-tcp-server',
  ],
});
