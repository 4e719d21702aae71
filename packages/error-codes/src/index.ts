export {
  ChatErrorCode,
  ClientErrorCode,
  type ErrorCode,
  FramingErrorCode,
  isJsonRpcServerErrorCode,
  JsonRpcErrorCode,
  JsonRpcErrorMessage,
  KvErrorCode,
  ServiceErrorCode,
  type StringErrorCode,
  TcpErrorCode,
} from './codes.js';
export {
  type ChatWireError,
  type JsonRpcWireError,
  type KvWireError,
  ProtocolError,
  type TcpWireError,
  toChatError,
  toJsonRpcError,
  toKvError,
  toTcpError,
} from './protocol-error.js';
