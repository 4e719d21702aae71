import { type Logger, silentLogger } from '@sockworks/logging';

let shared: Logger | undefined;

/** One shared silent logger for callers that did not inject one (pino loggers are not free). */
export function defaultLogger(): Logger {
  shared ??= silentLogger();
  return shared;
}
