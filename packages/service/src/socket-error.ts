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

/**
 * Destroys `socket` after `ms` unless it has closed by then: a fixed deadline (not `setTimeout` on
 * the socket, which a peer that keeps sending would keep resetting) for a socket the server has ended
 * and that must not hold its slot if the peer never reads or never closes its side. The timer does
 * not keep the process alive and is cleared on close.
 */
export function destroySocketAfter(socket: Socket, ms: number): void {
  const timer = setTimeout(() => socket.destroy(), ms);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
