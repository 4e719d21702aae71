export {
  type BoundAddress,
  formatAddress,
  type ListenTarget,
} from './address.js';
export { BACKOFF_DEFAULTS, type BackoffOptions, backoffDelay } from './backoff.js';
export { ConfigError } from './cli/config-error.js';
export {
  type Cli,
  type CliIo,
  defineCli,
  type HelpRequested,
  HelpShown,
  type ParsedCli,
} from './cli/define-cli.js';
export type {
  BooleanOptionSpec,
  BytesOptionSpec,
  CliSpec,
  Config,
  DurationOptionSpec,
  EnumOptionSpec,
  IntOptionSpec,
  OptionSpec,
  OptionSpecs,
  OptionValue,
  StringOptionSpec,
} from './cli/option-spec.js';
export {
  type OptionTableRow,
  optionTableProblems,
  readOptionTable,
} from './cli/readme-table.js';
export { formatBytes, formatDuration } from './cli/values.js';
export { type CloseHttpServerOptions, closeHttpServer } from './close-http-server.js';
export { ConnectionTracker } from './connection-tracker.js';
export {
  type TrackedHttpServer,
  type TrackHttpServerOptions,
  trackHttpServer,
} from './http-service.js';
export { DEFAULT_BACKLOG, DEFAULT_SOCKET_MODE, type ListenOptions, listen } from './listen.js';
export {
  type ConnectionContext,
  type ConnectionHandle,
  NET_SERVICE_DEFAULTS,
  NetService,
  type NetServiceOptions,
} from './net-service.js';
export { remoteOf } from './remote.js';
export {
  type Closable,
  EXIT_CONFIG,
  EXIT_FAILURE,
  exitCodeFor,
  oneLine,
  type ProcessIo,
  type RunServiceOptions,
  runCli,
  runService,
} from './run-service.js';
export { destroySocketAfter } from './socket-error.js';
export {
  type RoutedSocketEvent,
  routeSocketEvents,
  type SocketEventHandler,
  socketEventListeners,
} from './socket-events.js';
export { MAX_UNIX_SOCKET_PATH_BYTES, prepareUnixSocketPath } from './unix-socket.js';
