import type { Logger } from '@sockworks/logging';

const INTERVAL_MS = 1000;

/**
 * Logs "connection limit reached" at most once a second with the number refused since the last line,
 * so a connection flood cannot turn into a log flood.
 */
export function limitLogger(logger: Logger, max: number): (remote: string) => void {
  let last = 0;
  let suppressed = 0;
  return (remote) => {
    const now = Date.now();
    if (now - last < INTERVAL_MS) {
      suppressed++;
      return;
    }
    last = now;
    logger.warn({ max, remote, refusedSinceLastLog: suppressed }, 'connection limit reached; refusing');
    suppressed = 0;
  };
}
