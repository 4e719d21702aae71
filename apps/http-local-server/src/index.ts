export {
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_SOCKET_PATH,
  listenTargetOf,
  parseSocketMode,
  type ServerConfig,
  serverCli,
  serverOptionsOf,
} from './cli/server-options.js';
export {
  describeTarget,
  formatResponse,
  type HttpLocalResponse,
  REQUEST_DEFAULTS,
  RequestError,
  type RequestErrorCode,
  type RequestOptions,
  request,
  SOCKET_KINDS,
  type SocketKind,
} from './client/client.js';
export { answerForClientError, type ParserLimits, parserOptions } from './server/codec.js';
export { answerFor, omitsBody, type RequestHead, responseFor } from './server/handlers.js';
export { createHttpObservability, type HttpObservabilityOptions } from './server/observability.js';
export {
  ALLOWED_METHODS,
  BAD_REQUEST_RESPONSE,
  METHOD_NOT_ALLOWED_RESPONSE,
  type PreparedResponse,
  rawBytesOf,
  STATUS_BODY,
  STATUS_RESPONSE,
  VERSION_NOT_SUPPORTED_RESPONSE,
} from './server/responses.js';
export {
  createHttpLocalServer,
  HTTP_LOCAL_SERVER_DEFAULTS,
  HttpLocalServer,
  type HttpLocalServerOptions,
} from './server/server.js';
