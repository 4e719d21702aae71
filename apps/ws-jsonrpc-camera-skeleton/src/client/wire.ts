import { ClientErrorCode, ProtocolError } from '@sockworks/error-codes';

/** Builds a JSON-RPC 2.0 Request object; without `id` it is a notification. */
export function requestObject(
  method: string,
  params: unknown,
  id: number | undefined,
): Record<string, unknown> {
  const req: Record<string, unknown> = { jsonrpc: '2.0', method };
  if (params !== undefined) req.params = params;
  if (id !== undefined) req.id = id;
  return req;
}

/** Turns a JSON-RPC error object from the wire into a ProtocolError with the same code, message and data. */
export function fromWireError(error: unknown): ProtocolError {
  if (typeof error === 'object' && error !== null) {
    const { code, message, data } = error as { code?: unknown; message?: unknown; data?: unknown };
    if (typeof code === 'number' && typeof message === 'string') {
      return new ProtocolError(code, message, data === undefined ? undefined : { data });
    }
  }
  return new ProtocolError(-32603, 'Malformed error object in reply', { data: error });
}

/** CONNECTION_CLOSED: not connected, or the connection dropped before the reply. */
export function closedError(message: string): ProtocolError {
  return new ProtocolError(ClientErrorCode.CONNECTION_CLOSED, message);
}

/** REQUEST_TIMEOUT: no reply within `ms`. */
export function timeoutError(ms: number): ProtocolError {
  return new ProtocolError(ClientErrorCode.REQUEST_TIMEOUT, `no reply within ${ms} ms`);
}
