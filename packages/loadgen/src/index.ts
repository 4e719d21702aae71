/** Public API of @sockworks/loadgen (named re-exports; internals such as the request cycle stay private). */
export {
  FANOUT_DEFAULTS,
  type FanoutOptions,
  type FanoutProtocol,
  type FanoutResult,
  runFanout,
} from './fanout.js';
export { LatencyHistogram, type LatencySummary } from './histogram.js';
export {
  IDLE_CONNECTIONS_DEFAULTS,
  type IdleConnections,
  type IdleConnectionsOptions,
  openIdleConnections,
} from './idle-connections.js';
export {
  type LengthPrefixedRepliesOptions,
  lengthPrefixedReplies,
  lineReplies,
  type ReplyCounter,
  type ReplyCounterFactory,
} from './reply-counters.js';
export { connectOptions, connectSocket, describeTarget, type LoadTarget } from './target.js';
export {
  type LoadProgress,
  type LoadResult,
  runWindowedLoad,
  WINDOWED_LOAD_DEFAULTS,
  type WindowedLoadOptions,
  type WindowedLoadResult,
} from './windowed-load.js';
