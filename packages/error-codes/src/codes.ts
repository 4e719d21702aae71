/**
 * The string codes of the key-value command protocol (kv-unix-server spec, "Error Codes"), plus the
 * codes the other services added. One map, so a code means the same thing in every app.
 */
export const KvErrorCode = {
  /** Malformed request structure: missing or non-string `command`, non-object `data`. */
  INVALID_REQUEST: 'INVALID_REQUEST',
  /** The request line is not valid JSON. */
  INVALID_JSON: 'INVALID_JSON',
  /** The command is not in the registry. */
  UNKNOWN_COMMAND: 'UNKNOWN_COMMAND',
  /** A parameter is missing or has the wrong type or value. */
  INVALID_INPUT: 'INVALID_INPUT',
  /** An unsupported calculate operation. */
  INVALID_OPERATION: 'INVALID_OPERATION',
  /** Division or modulo by zero, or a non-finite result. */
  MATH_ERROR: 'MATH_ERROR',
  /** retrieve/delete of a key that is not stored. */
  KEY_NOT_FOUND: 'KEY_NOT_FOUND',
  /** A general processing failure reported by a handler. */
  PROCESSING_ERROR: 'PROCESSING_ERROR',
  /** An unexpected server-side bug; the message never leaks internals. */
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  /** A line, frame or value longer than the configured limit; the connection is closed after it. */
  MESSAGE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  /** A store would pass the key-count or total-bytes limit; nothing was stored. */
  STORAGE_FULL: 'STORAGE_FULL',
  /** The server already holds its maximum number of connections. */
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  /** The client spoke another protocol (for example an HTTP request line). */
  PROTOCOL_MISMATCH: 'PROTOCOL_MISMATCH',
  /** The server is shutting down and takes no new work. */
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  /** A request line was not completed within the message timeout of its first byte; then close. */
  MESSAGE_TIMEOUT: 'MESSAGE_TIMEOUT',
  /** An unfinished request line took the server past its budget of partial bytes; then close. */
  PARTIAL_BUDGET_EXCEEDED: 'PARTIAL_BUDGET_EXCEEDED',
  /** The reply would be larger than one reply may be; the message says how to page (`list_keys`). */
  REPLY_TOO_LARGE: 'REPLY_TOO_LARGE',
} as const;
export type KvErrorCode = (typeof KvErrorCode)[keyof typeof KvErrorCode];

/** JSON-RPC 2.0 error codes (specification section 5.1) and the implementation-defined server range. */
export const JsonRpcErrorCode = {
  /** Invalid JSON was received by the server. */
  PARSE_ERROR: -32700,
  /** The JSON sent is not a valid Request object. */
  INVALID_REQUEST: -32600,
  /** The method does not exist or is not available. */
  METHOD_NOT_FOUND: -32601,
  /** Invalid method parameter(s). */
  INVALID_PARAMS: -32602,
  /** Internal JSON-RPC error. */
  INTERNAL_ERROR: -32603,
  /** Lowest code of the implementation-defined server error range (-32099..-32000). */
  SERVER_ERROR_MIN: -32099,
  /** Highest code of the implementation-defined server error range. */
  SERVER_ERROR_MAX: -32000,
  /** Server range: the client sent more requests than its rate allows. */
  RATE_LIMITED: -32029,
  /** Server range: a batch holds more requests than the configured maximum. */
  BATCH_TOO_LARGE: -32010,
  /** Server range: the server is shutting down. */
  SHUTTING_DOWN: -32001,
  /** Server range: a request was not completed within the message timeout of its first byte; then close. */
  MESSAGE_TIMEOUT: -32011,
  /** Server range: an unfinished request took the server past its budget of partial bytes; then close. */
  PARTIAL_BUDGET_EXCEEDED: -32012,
} as const;
export type JsonRpcErrorCode = (typeof JsonRpcErrorCode)[keyof typeof JsonRpcErrorCode];

/** The standard JSON-RPC 2.0 messages; replies begin with these words. */
export const JsonRpcErrorMessage: Readonly<Record<number, string>> = {
  [JsonRpcErrorCode.PARSE_ERROR]: 'Parse error',
  [JsonRpcErrorCode.INVALID_REQUEST]: 'Invalid Request',
  [JsonRpcErrorCode.METHOD_NOT_FOUND]: 'Method not found',
  [JsonRpcErrorCode.INVALID_PARAMS]: 'Invalid params',
  [JsonRpcErrorCode.INTERNAL_ERROR]: 'Internal error',
  [JsonRpcErrorCode.RATE_LIMITED]: 'Rate limited',
  [JsonRpcErrorCode.BATCH_TOO_LARGE]: 'Batch too large',
  [JsonRpcErrorCode.SHUTTING_DOWN]: 'Server shutting down',
  [JsonRpcErrorCode.MESSAGE_TIMEOUT]: 'Message timeout',
  [JsonRpcErrorCode.PARTIAL_BUDGET_EXCEEDED]: 'Partial message budget exceeded',
};

/** True when `code` lies in JSON-RPC's implementation-defined server error range. */
export function isJsonRpcServerErrorCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    code >= JsonRpcErrorCode.SERVER_ERROR_MIN &&
    code <= JsonRpcErrorCode.SERVER_ERROR_MAX
  );
}

/** Codes of the chat server's business errors (`{"status":"error","code":...,"message":...}`). */
export const ChatErrorCode = {
  /** The method needs a joined session (send_message, leave_chat before join_chat). */
  NOT_JOINED: 'NOT_JOINED',
  /** join_chat on a connection that has already joined. */
  ALREADY_JOINED: 'ALREADY_JOINED',
  /** The username is taken (in `--duplicate-names reject` mode). */
  USERNAME_TAKEN: 'USERNAME_TAKEN',
  /** The username is empty, too long, or has forbidden characters. */
  INVALID_USERNAME: 'INVALID_USERNAME',
  /** The message is empty or too long. */
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  /** The client passed its token bucket. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The client was idle too long without joining. */
  IDLE_TIMEOUT: 'IDLE_TIMEOUT',
  /** A room name is empty, too long or has forbidden characters, or the room cannot be left (`general`). */
  INVALID_ROOM: 'INVALID_ROOM',
  /** The method needs membership of a room the user is not in (post, history, typing, leave). */
  NOT_MEMBER: 'NOT_MEMBER',
  /** Joining would pass the rooms-per-user limit, or the server's room limit with no room to forget. */
  TOO_MANY_ROOMS: 'TOO_MANY_ROOMS',
  /** A private message to a user who is not online (or cannot receive private messages). */
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  /** A status text that is too long or not text. */
  INVALID_STATUS: 'INVALID_STATUS',
  /** A protocol-2 method on a connection that joined without `"protocol": 2`. */
  PROTOCOL_2_REQUIRED: 'PROTOCOL_2_REQUIRED',
  /** The session was resumed on another connection; this one is closed. */
  SESSION_TAKEN_OVER: 'SESSION_TAKEN_OVER',
} as const;
export type ChatErrorCode = (typeof ChatErrorCode)[keyof typeof ChatErrorCode];

/** Codes of the binary TCP server's `{"type":"error","code":...}` frames. */
export const TcpErrorCode = {
  /** The payload is not valid UTF-8 JSON. */
  INVALID_JSON: 'INVALID_JSON',
  /** The payload is not an object, or has no string `type`. */
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  /** The `type` is not one the server handles. */
  UNKNOWN_MESSAGE_TYPE: 'UNKNOWN_MESSAGE_TYPE',
  /** The length header announced more than the maximum frame size; the connection is closed. */
  FRAME_TOO_LARGE: 'FRAME_TOO_LARGE',
  /** A zero-length frame; the connection is closed. */
  EMPTY_FRAME: 'EMPTY_FRAME',
  /** The server already holds its maximum number of connections. */
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  /** An unexpected server-side bug. */
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  /** A frame was not completed within the message timeout of its first byte; the connection is closed. */
  MESSAGE_TIMEOUT: 'MESSAGE_TIMEOUT',
  /** An unfinished frame took the server past its budget of partial bytes; the connection is closed. */
  PARTIAL_BUDGET_EXCEEDED: 'PARTIAL_BUDGET_EXCEEDED',
} as const;
export type TcpErrorCode = (typeof TcpErrorCode)[keyof typeof TcpErrorCode];

/** Codes raised by the apps' client libraries (never sent by a server). */
export const ClientErrorCode = {
  /** The connection could not be made (refused, no socket file, DNS failure). */
  CONNECT_FAILED: 'CONNECT_FAILED',
  /** The connection is not open, or closed before the reply arrived. */
  CONNECTION_CLOSED: 'CONNECTION_CLOSED',
  /** No reply arrived within the request timeout. */
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  /** The reply is larger than the client's limit. */
  RESPONSE_TOO_LARGE: 'RESPONSE_TOO_LARGE',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Codes of framing errors raised by `@sockworks/framing` decoders. */
export const FramingErrorCode = {
  /** A frame, line or value is longer than the decoder's maximum. Framing is lost. */
  FRAME_TOO_LARGE: 'FRAME_TOO_LARGE',
  /** A complete unit is not valid JSON. Framing is kept where the format allows. */
  INVALID_JSON: 'INVALID_JSON',
  /** A complete unit is not valid UTF-8. */
  INVALID_UTF8: 'INVALID_UTF8',
  /** A length-prefixed frame announced zero bytes. */
  EMPTY_FRAME: 'EMPTY_FRAME',
  /** JSON nested deeper than the decoder's maximum depth. */
  TOO_DEEP: 'TOO_DEEP',
  /** A JSON number literal outside the range of a double (`1e400`): JSON.parse would make it Infinity. */
  NON_FINITE_NUMBER: 'NON_FINITE_NUMBER',
  /** The stream ended in the middle of a message. */
  TRUNCATED: 'TRUNCATED',
  /** A message was not complete within the deadline from its first byte (PartialMessageGuard). Fatal. */
  MESSAGE_TIMEOUT: 'MESSAGE_TIMEOUT',
  /** Unfinished messages of all connections passed the server's budget (PartialMessageGuard). Fatal. */
  PARTIAL_BUDGET_EXCEEDED: 'PARTIAL_BUDGET_EXCEEDED',
} as const;
export type FramingErrorCode = (typeof FramingErrorCode)[keyof typeof FramingErrorCode];

/** Codes of service start-up and configuration errors (`@sockworks/service`). */
export const ServiceErrorCode = {
  /** A flag or environment variable has an invalid value. */
  INVALID_CONFIG: 'INVALID_CONFIG',
  /** The address or socket path is in use by a live server. */
  ADDRESS_IN_USE: 'ADDRESS_IN_USE',
  /** A Unix socket path longer than 107 bytes. */
  SOCKET_PATH_TOO_LONG: 'SOCKET_PATH_TOO_LONG',
  /** Something that is not a socket exists at the Unix socket path. */
  SOCKET_PATH_NOT_SOCKET: 'SOCKET_PATH_NOT_SOCKET',
  /** The server is closed or closing. */
  SERVER_CLOSED: 'SERVER_CLOSED',
  /** A data file has damage followed by valid records: the start is refused, the file left untouched. */
  DATA_FILE_CORRUPT: 'DATA_FILE_CORRUPT',
  /** A backing service (Redis) cannot be reached; the request was not done. Retry later. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** The request needs an authenticated identity and none was given. */
  AUTH_REQUIRED: 'AUTH_REQUIRED',
  /** The credential is malformed, wrongly signed, of a refused algorithm, or fails a claim check. */
  AUTH_INVALID: 'AUTH_INVALID',
  /** The credential has expired (or is not valid yet). */
  AUTH_EXPIRED: 'AUTH_EXPIRED',
} as const;
export type ServiceErrorCode = (typeof ServiceErrorCode)[keyof typeof ServiceErrorCode];

/** Every string code known to the project. */
export type StringErrorCode =
  | KvErrorCode
  | ChatErrorCode
  | TcpErrorCode
  | FramingErrorCode
  | ServiceErrorCode
  | ClientErrorCode;
/** Any code a `ProtocolError` may carry. */
export type ErrorCode = StringErrorCode | JsonRpcErrorCode | number;
