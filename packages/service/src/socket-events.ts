import type { Socket } from 'node:net';

/** The socket events {@link routeSocketEvents} can deliver. */
export type RoutedSocketEvent = 'data' | 'end' | 'drain' | 'close' | 'error';

/** Methods a connection implements to receive its socket's events (only those it routes). */
export interface SocketEventHandler {
  onData?(chunk: Buffer): void;
  onEnd?(): void;
  onDrain?(): void;
  onClose?(hadError: boolean): void;
  onSocketError?(err: Error): void;
}

const kHandler = Symbol('sockworks.socketEventHandler');
type TaggedSocket = Socket & { [kHandler]?: SocketEventHandler };

/**
 * Listeners shared by every socket: each finds its connection through a symbol on the socket, so a
 * connection costs no closure per event (with 10,000 idle clients that is most of their heap). Use
 * them directly for one-off listeners, e.g. `socket.once('drain', socketEventListeners.drain)`.
 */
export const socketEventListeners: Readonly<{
  data(this: Socket, chunk: Buffer): void;
  end(this: Socket): void;
  drain(this: Socket): void;
  close(this: Socket, hadError: boolean): void;
  error(this: Socket, err: Error): void;
}> = Object.freeze({
  data(this: TaggedSocket, chunk: Buffer): void {
    this[kHandler]?.onData?.(chunk);
  },
  end(this: TaggedSocket): void {
    this[kHandler]?.onEnd?.();
  },
  drain(this: TaggedSocket): void {
    this[kHandler]?.onDrain?.();
  },
  close(this: TaggedSocket, hadError: boolean): void {
    this[kHandler]?.onClose?.(hadError);
  },
  error(this: TaggedSocket, err: Error): void {
    this[kHandler]?.onSocketError?.(err);
  },
});

/**
 * Delivers `events` of `socket` to `handler`'s methods (`data` -> `onData(chunk)`, `end` -> `onEnd()`,
 * `drain` -> `onDrain()`, `close` -> `onClose(hadError)`, `error` -> `onSocketError(err)`) through the
 * shared {@link socketEventListeners}. Listeners are added in the order given.
 */
export function routeSocketEvents(
  socket: Socket,
  handler: SocketEventHandler,
  events: readonly RoutedSocketEvent[],
): void {
  (socket as TaggedSocket)[kHandler] = handler;
  for (const event of events) socket.on(event, socketEventListeners[event]);
}
