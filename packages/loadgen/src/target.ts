/** Where load goes: a TCP host and port, or a Unix socket path; and connecting to it with a deadline. */
import { connect, type Socket } from 'node:net';
import { ClientErrorCode, ProtocolError } from '@sockworks/error-codes';

/** A TCP port or a Unix socket path (plain data, so a spec can pass it between processes as JSON). */
export type LoadTarget = { host: string; port: number } | { path: string };

/** `net.connect` options for a target (only the address: a target parsed from JSON may carry more). */
export function connectOptions(target: LoadTarget): { host: string; port: number } | { path: string } {
  return 'path' in target ? { path: target.path } : { host: target.host, port: target.port };
}

/** `host:port` or the socket path, for messages. */
export function describeTarget(target: LoadTarget): string {
  return 'path' in target ? target.path : `${target.host}:${target.port}`;
}

/**
 * Opens one connection with Nagle off. Rejects with CONNECT_FAILED, naming `what` and the target, when
 * it fails or is not connected within `timeoutMs` (the socket is destroyed then). The resolved socket
 * has no error listener: the caller adds its own at once.
 */
export function connectSocket(target: LoadTarget, timeoutMs: number, what: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ ...connectOptions(target), noDelay: true });
    const fail = (reason: string, cause?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(
        new ProtocolError(
          ClientErrorCode.CONNECT_FAILED,
          `${what} to ${describeTarget(target)}: ${reason}`,
          cause === undefined ? {} : { cause },
        ),
      );
    };
    const onError = (err: Error): void => fail(err.message, err);
    const timer = setTimeout(() => fail(`not connected within ${timeoutMs} ms`), timeoutMs);
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
