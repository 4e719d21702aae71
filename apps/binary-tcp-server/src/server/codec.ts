/**
 * The server's side of the codec: the framing itself is shared with the client (../protocol/frame.ts);
 * this maps framing errors to the protocol's error codes and decides which of them end a connection.
 */

import { TcpErrorCode } from '@sockworks/error-codes';
import type { FramingError } from '@sockworks/framing';

/** The protocol error a framing error is answered with. */
export function tcpCodeForFramingError(error: FramingError): { code: TcpErrorCode; message: string } {
  switch (error.code) {
    case 'FRAME_TOO_LARGE':
      return { code: TcpErrorCode.FRAME_TOO_LARGE, message: error.message };
    case 'EMPTY_FRAME':
      return { code: TcpErrorCode.EMPTY_FRAME, message: 'Zero-length frames are not allowed' };
    case 'MESSAGE_TIMEOUT':
      return { code: TcpErrorCode.MESSAGE_TIMEOUT, message: error.message };
    case 'PARTIAL_BUDGET_EXCEEDED':
      return { code: TcpErrorCode.PARTIAL_BUDGET_EXCEEDED, message: error.message };
    case 'TOO_DEEP':
    case 'NON_FINITE_NUMBER':
      return { code: TcpErrorCode.INVALID_MESSAGE, message: error.message };
    default:
      return { code: TcpErrorCode.INVALID_JSON, message: 'Payload is not valid UTF-8 JSON' };
  }
}

/** True when the error ends the connection (framing lost, or a zero-length frame). */
export function closesConnection(error: FramingError): boolean {
  return error.fatal || error.code === 'EMPTY_FRAME';
}
