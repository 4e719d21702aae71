export {
  connectionLogger,
  createLogger,
  DEFAULT_REDACT_PATHS,
  LOG_LEVELS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  parseLogLevel,
  silentLogger,
  truncateForLog,
} from './create-logger.js';
export { flushLogger } from './flush-logger.js';
export { LazyConnectionLogger } from './lazy-connection-logger.js';
