import type { Logger } from '@sockworks/logging';

const INTERVAL_MS = 1000;

/**
 * Returns a function that logs `msg` at most once a second, with the number of events suppressed since
 * the last line, so a flood (refused connections, EMFILE on accept) cannot turn into a log flood.
 */
export function throttledLog(
  logger: Logger,
  level: 'warn' | 'error',
  msg: string,
): (fields: Record<string, unknown>) => void {
  let last = 0;
  let suppressed = 0;
  return (fields) => {
    const now = Date.now();
    if (now - last < INTERVAL_MS) {
      suppressed++;
      return;
    }
    last = now;
    logger[level]({ ...fields, suppressedSinceLastLog: suppressed }, msg);
    suppressed = 0;
  };
}

/** "connection limit reached" at most once a second. */
export function limitLogger(logger: Logger, max: number): (remote: string) => void {
  const log = throttledLog(logger, 'warn', 'connection limit reached; refusing');
  return (remote) => log({ max, remote });
}
