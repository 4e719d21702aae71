export {
  type BoundAddress,
  formatAddress,
  type ListenTarget,
} from './address.js';
export { BACKOFF_DEFAULTS, type BackoffOptions, backoffDelay } from './backoff.js';
// The CLI framework is its own entry point, `@sockworks/service/cli`; ConfigError is also the
// runtime's error for bad options (listen, runService), so it is exported from both.
export { ConfigError } from './cli/config-error.js';
export { type CloseHttpServerOptions, closeHttpServer } from './close-http-server.js';
export type { ConnectionObserver, RefuseReason } from './connection-observer.js';
export {
  type ConnectionEvent,
  type ConnectionListener,
  ConnectionTracker,
} from './connection-tracker.js';
export { replaceFileDurably, syncDirectory, writeAll, writeFileDurably } from './durable-file.js';
export {
  type TrackedHttpServer,
  type TrackHttpServerOptions,
  trackHttpServer,
} from './http-service.js';
export { type Clock, IsoClock } from './iso-clock.js';
export { DEFAULT_BACKLOG, DEFAULT_SOCKET_MODE, type ListenOptions, listen } from './listen.js';
export {
  type ConnectionContext,
  type ConnectionHandle,
  NET_SERVICE_DEFAULTS,
  NetService,
  type NetServiceOptions,
} from './net-service.js';
export { checkInt, checkNumber, type Range, stripUndefined, withDefaults } from './options.js';
export { remoteOf } from './remote.js';
export {
  type Closable,
  EXIT_CONFIG,
  EXIT_FAILURE,
  exitCodeFor,
  oneLine,
  type ProcessIo,
  type RunServerIo,
  type RunServiceOptions,
  runCli,
  runServer,
  runService,
  type ServerSetup,
} from './run-service.js';
export { destroySocketAfter } from './socket-error.js';
export {
  type RoutedSocketEvent,
  routeSocketEvents,
  type SocketEventHandler,
  socketEventListeners,
} from './socket-events.js';
export { MAX_UNIX_SOCKET_PATH_BYTES, prepareUnixSocketPath } from './unix-socket.js';
