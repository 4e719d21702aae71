import type { Socket } from 'node:net';
import type { Logger } from '@sockworks/logging';
import { remoteOf } from './remote.js';

/**
 * One shared 'error' listener for every socket of a server (no closure per socket). Resets and broken
 * pipes are normal on a busy server, so they are logged at debug; the 'close' event does the cleanup.
 */
export function socketErrorListener(logger: Logger): (this: Socket, err: Error) => void {
  return function onSocketError(this: Socket, err: Error): void {
    if (logger.isLevelEnabled('debug')) {
      logger.debug({ remote: remoteOf(this), code: (err as NodeJS.ErrnoException).code }, 'socket error');
    }
  };
}
