/** Public API of binary-tcp-server: the server factory, its options, the client and the load generator. */
export { BACKOFF_DEFAULTS, type BackoffOptions, backoffDelay } from '@sockworks/service';
export { TcpClient } from './client/client.js';
export { TcpRequestError } from './client/client-errors.js';
export { TCP_CLIENT_DEFAULTS, type TcpClientEvents, type TcpClientOptions } from './client/client-options.js';
export { encodeFrame } from './protocol/frame.js';
export type {
  BroadcastFrame,
  BroadcastSent,
  EchoResponse,
  ErrorFrame,
  Frame,
  HeartbeatFrame,
  MessageReceived,
  PongReply,
  ServerStats,
} from './protocol/messages.js';
export { ECHOED_BY, ReplyType, RequestType } from './protocol/messages.js';
export type { FrameHandler, HandlerPeer, HandlerServer } from './server/handlers.js';
export { createTcpObservability, type TcpObservabilityOptions } from './server/observability.js';
export { createTcpServer, TCP_SERVER_DEFAULTS, TcpServer, type TcpServerOptions } from './server/server.js';
export {
  type IdleConnections,
  type IdleConnectionsOptions,
  openIdleConnections,
} from './tools/idle-connections.js';
export {
  LOAD_DEFAULTS,
  type LoadMessageType,
  type LoadOptions,
  type LoadProgress,
  type LoadResult,
  runLoad,
} from './tools/load.js';
