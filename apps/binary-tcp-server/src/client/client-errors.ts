/** Errors a TcpClient request can fail with; check `code`, never the message. */
import { ClientErrorCode, ProtocolError, type TcpErrorCode } from '@sockworks/error-codes';
import type { ErrorFrame } from '../protocol/messages.js';

/** The server answered with an error frame; `code` is its code and `frame` the whole frame. */
export class TcpRequestError extends ProtocolError<TcpErrorCode> {
  readonly frame: ErrorFrame;

  constructor(frame: ErrorFrame) {
    // A newer server may send codes this client does not know; they pass through unchanged.
    super(frame.code as TcpErrorCode, frame.message);
    this.frame = frame;
  }
}

/** The connection could not be made. */
export function connectFailed(host: string, port: number, cause: unknown): ProtocolError<ClientErrorCode> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ProtocolError(ClientErrorCode.CONNECT_FAILED, `Cannot connect to ${host}:${port}: ${reason}`, {
    cause,
  });
}

/** The connection is not open, or closed before the reply arrived. */
export function connectionClosed(message = 'Not connected'): ProtocolError<ClientErrorCode> {
  return new ProtocolError(ClientErrorCode.CONNECTION_CLOSED, message);
}

/** No reply within the request timeout. */
export function requestTimeout(ms: number): ProtocolError<ClientErrorCode> {
  return new ProtocolError(ClientErrorCode.REQUEST_TIMEOUT, `No reply within ${ms} ms`);
}

/** A reply frame larger than the client's limit (the connection is closed: framing is lost). */
export function responseTooLarge(message: string): ProtocolError<ClientErrorCode> {
  return new ProtocolError(ClientErrorCode.RESPONSE_TOO_LARGE, message);
}
