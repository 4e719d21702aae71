/** Errors a TcpClient request can fail with; check `code`, never the message. */
import { ProtocolError, TcpErrorCode } from '@sockworks/error-codes';
import type { ErrorFrame } from './protocol.js';

/** The server answered with an error frame; `code` is its code and `frame` the whole frame. */
export class TcpRequestError extends ProtocolError<TcpErrorCode> {
  readonly frame: ErrorFrame;

  constructor(frame: ErrorFrame) {
    // A newer server may send codes this client does not know; they pass through unchanged.
    super(frame.code as TcpErrorCode, frame.message);
    this.frame = frame;
  }
}

/** The connection is not open, or closed before the reply arrived. */
export function connectionClosed(
  message = 'Not connected',
): ProtocolError<typeof TcpErrorCode.CONNECTION_CLOSED> {
  return new ProtocolError(TcpErrorCode.CONNECTION_CLOSED, message);
}

/** No reply within the request timeout. */
export function requestTimeout(ms: number): ProtocolError<typeof TcpErrorCode.REQUEST_TIMEOUT> {
  return new ProtocolError(TcpErrorCode.REQUEST_TIMEOUT, `No reply within ${ms} ms`);
}
