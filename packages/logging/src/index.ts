export {
  connectionLogger,
  createLogger,
  DEFAULT_REDACT_PATHS,
  flushLogger,
  LOG_LEVELS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  parseLogLevel,
  silentLogger,
  truncateForLog,
} from './create-logger.js';
