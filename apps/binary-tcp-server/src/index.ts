/** Public API of binary-tcp-server: the server factory, its options, the client and the load generator. */
export { BACKOFF_DEFAULTS, type BackoffOptions, backoffDelay } from '@sockworks/service';
export { TcpClient } from './client.js';
export { TcpRequestError } from './client-errors.js';
export { TCP_CLIENT_DEFAULTS, type TcpClientEvents, type TcpClientOptions } from './client-options.js';
export { encodeFrame } from './codec.js';
export type { FrameHandler, HandlerPeer, HandlerServer } from './handlers.js';
export { LatencyHistogram } from './histogram.js';
export {
  type IdleConnections,
  type IdleConnectionsOptions,
  openIdleConnections,
} from './idle-connections.js';
export {
  LOAD_DEFAULTS,
  type LoadMessageType,
  type LoadOptions,
  type LoadProgress,
  type LoadResult,
  runLoad,
} from './load.js';
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
} from './protocol.js';
export { ECHOED_BY, ReplyType, RequestType } from './protocol.js';
export { createTcpServer, TCP_SERVER_DEFAULTS, TcpServer, type TcpServerOptions } from './server.js';
