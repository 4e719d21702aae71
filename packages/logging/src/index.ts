export {
  connectionLogger,
  createLogger,
  DEFAULT_REDACT_PATHS,
  type DestinationStream,
  LOG_LEVELS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  parseLogLevel,
  silentLogger,
  truncateForLog,
  URL_LOG_FIELDS,
} from './create-logger.js';
export { flushLogger } from './flush-logger.js';
export { LazyConnectionLogger } from './lazy-connection-logger.js';
export {
  LOG_FILE_DEFAULTS,
  LOG_FILE_FREQUENCIES,
  LOG_FILE_MAX_BUFFER,
  type LogFileFrequency,
  type LogFileOptions,
  openLogFile,
} from './log-file.js';
export {
  isSecretHeader,
  isSecretParam,
  REDACTED,
  redactHeaders,
  redactHttpText,
  redactUrl,
  SECRET_HEADER_NAMES,
  SECRET_PARAM_NAMES,
  SECRET_PARAM_SUFFIXES,
} from './redact.js';
