import { defineCli, logLevelOption, logRotationOptions } from '@sockworks/service/cli';
import { CHAT_SERVER_DEFAULTS as D } from '../server/server.js';

/** The server's flags and environment variables (flags win over env, env over a --config file, then defaults). */
export const serverCli = defineCli({
  name: 'chat-rpc-server',
  configFile: { env: 'CHAT_CONFIG' },
  description:
    'TCP chat server speaking the chat JSON RPC protocol (concatenated or newline-separated JSON requests, ' +
    'one compact JSON message per line back) and JSON-RPC 2.0.',
  examples: ['chat-rpc-server', 'chat-rpc-server --host 0.0.0.0 --port 65432 --duplicate-names reject'],
  options: {
    host: {
      type: 'string',
      flag: '--host',
      env: 'CHAT_HOST',
      default: D.host,
      description: 'Interface to listen on',
    },
    port: {
      type: 'port',
      flag: '--port',
      short: '-p',
      env: 'CHAT_PORT',
      default: D.port,
      description: 'TCP port (0 = any free port)',
    },
    duplicateNames: {
      type: 'enum',
      flag: '--duplicate-names',
      env: 'CHAT_DUPLICATE_NAMES',
      choices: ['suffix', 'reject'] as const,
      default: D.duplicateNames,
      description:
        'A taken name: append "_<client port>" (suffix) or answer "Username already taken" (reject)',
    },
    maxRequestBytes: {
      type: 'bytes',
      flag: '--max-request-bytes',
      env: 'CHAT_MAX_REQUEST_BYTES',
      default: D.maxRequestBytes,
      min: 64,
      description: 'Largest request; a larger one gets one error and the connection is closed',
    },
    maxOutputBytes: {
      type: 'bytes',
      flag: '--max-output-bytes',
      env: 'CHAT_MAX_OUTPUT_BYTES',
      default: D.maxOutputBytes,
      min: 1024,
      description: 'Unread output a client may accumulate before it is disconnected',
    },
    maxConnections: {
      type: 'int',
      flag: '--max-connections',
      env: 'CHAT_MAX_CONNECTIONS',
      default: D.maxConnections,
      min: 1,
      description: 'Concurrent connections; extra ones get an error and are closed',
    },
    maxUsernameLength: {
      type: 'int',
      flag: '--max-username-length',
      env: 'CHAT_MAX_USERNAME_LENGTH',
      default: D.maxUsernameLength,
      min: 1,
      description: 'Longest username, in code points',
    },
    maxMessageLength: {
      type: 'int',
      flag: '--max-message-length',
      env: 'CHAT_MAX_MESSAGE_LENGTH',
      default: D.maxMessageLength,
      min: 1,
      description: 'Longest chat message, in code points',
    },
    maxDepth: {
      type: 'int',
      flag: '--max-depth',
      env: 'CHAT_MAX_DEPTH',
      default: D.maxDepth,
      min: 2,
      description: 'Deepest JSON nesting accepted',
    },
    maxBatch: {
      type: 'int',
      flag: '--max-batch',
      env: 'CHAT_MAX_BATCH',
      default: D.maxBatch,
      min: 1,
      description: 'Most requests in one JSON-RPC 2.0 batch',
    },
    rateBurst: {
      type: 'int',
      flag: '--rate-burst',
      env: 'CHAT_RATE_BURST',
      default: D.rateBurst,
      min: 1,
      description: 'Rate limit: join_chat/send_message calls allowed at once (token bucket size)',
    },
    ratePerSecond: {
      type: 'int',
      flag: '--rate-per-second',
      env: 'CHAT_RATE_PER_SECOND',
      default: D.ratePerSecond,
      min: 1,
      description: 'Rate limit: tokens added per second',
    },
    joinTimeoutMs: {
      type: 'duration',
      flag: '--join-timeout',
      env: 'CHAT_JOIN_TIMEOUT',
      default: D.joinTimeoutMs,
      description: 'Disconnect clients that have not joined after this long (0 = never)',
    },
    heartbeatIntervalMs: {
      type: 'duration',
      flag: '--heartbeat-interval',
      env: 'CHAT_HEARTBEAT_INTERVAL',
      default: D.heartbeatIntervalMs,
      description:
        'Send {"type":"heartbeat"} this often and drop clients silent for a whole interval (0 = off)',
    },
    messageTimeoutMs: {
      type: 'duration',
      flag: '--message-timeout',
      env: 'CHAT_MESSAGE_TIMEOUT',
      default: D.messageTimeoutMs,
      description:
        'A request must be complete this long after its first byte, else MESSAGE_TIMEOUT (-32011) and a close (0 = no deadline)',
    },
    partialBudgetBytes: {
      type: 'bytes',
      flag: '--partial-budget',
      env: 'CHAT_PARTIAL_BUDGET',
      default: D.partialBudgetBytes,
      min: 0,
      description:
        'Most bytes of unfinished requests held across all clients; the request that passes it gets PARTIAL_BUDGET_EXCEEDED (-32012) and a close (0 = no budget)',
    },
    closeTimeoutMs: {
      type: 'duration',
      flag: '--shutdown-grace',
      env: 'CHAT_SHUTDOWN_GRACE',
      default: D.closeTimeoutMs,
      description: 'On SIGINT/SIGTERM, how long connections may drain before they are destroyed',
    },
    logLevel: logLevelOption(),
    logFile: {
      type: 'string',
      flag: '--log-file',
      env: 'CHAT_LOG_FILE',
      default: '',
      description: 'Also write JSON log lines to this file (empty = no file)',
    },
    ...logRotationOptions('CHAT_LOG_FILE'),
  },
});
