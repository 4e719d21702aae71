import { ChatErrorCode, type ClientErrorCode, JsonRpcErrorCode, ProtocolError } from '@sockworks/error-codes';

const CHAT_CODES: ReadonlySet<unknown> = new Set(Object.values(ChatErrorCode));

function isChatErrorCode(code: unknown): code is ChatErrorCode {
  return CHAT_CODES.has(code);
}

/**
 * A `{"status":"error"}` reply as a ProtocolError: its ChatErrorCode, or, for a reply without a
 * known code (a spec server sends none), the generic JSON-RPC server error with the raw code in `data`.
 */
export function businessError(reply: Record<string, unknown>): ProtocolError {
  const message = String(reply.message ?? 'error');
  if (isChatErrorCode(reply.code)) return new ProtocolError(reply.code, message);
  return new ProtocolError(JsonRpcErrorCode.SERVER_ERROR_MAX, message, { data: { code: reply.code } });
}

/** An error raised by the client itself (never sent by a server). */
export function clientError(code: ClientErrorCode, message: string): ProtocolError<ClientErrorCode> {
  return new ProtocolError(code, message);
}
