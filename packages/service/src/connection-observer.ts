import type { Socket } from 'node:net';

/** Why a connection was refused before the app saw it. */
export type RefuseReason = 'max_connections' | 'shutting_down';

/**
 * Told about every socket a NetService or tracked HTTP server accepts, refuses or loses (metrics use
 * it). Called synchronously on the accept and close paths, so implementations must be cheap and must
 * not throw.
 */
export interface ConnectionObserver {
  /** A socket was accepted and handed to the app. */
  accepted(socket: Socket): void;
  /** A socket was refused (the limit, or the service is closing). */
  refused(socket: Socket, reason: RefuseReason): void;
  /** An accepted socket closed; `shuttingDown` is true while the service drains. */
  closed(socket: Socket, shuttingDown: boolean): void;
}
