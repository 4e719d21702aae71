/** Test helpers for every sockworks package and app (see README "Tests"). */
export { type Cleanup, registerCleanup } from './cleanup.js';
export { type DripTarget, drip } from './drip.js';
export { freePort } from './ports.js';
export {
  findTool,
  httpGet,
  metricNames,
  type PromtoolReport,
  promtoolCheckMetrics,
  sampleValue,
  TOOLS_REQUIRED,
} from './prometheus.js';
export {
  connectRaw,
  describeTarget,
  openRawSocket,
  type RawClientOptions,
  type RawConnectOptions,
  RawSocketClient,
  type RawTarget,
} from './raw-client.js';
export {
  framings,
  RAW_MAX_MESSAGE_BYTES,
  type RawDecoder,
  type RawFraming,
  type RawSink,
} from './raw-framing.js';
export {
  hasRedis,
  redisAvailable,
  startRedisCluster,
  startRedisServer,
  type TestRedisCluster,
  type TestRedisServer,
} from './redis-server.js';
export {
  descendantsOf,
  type Exit,
  jsonLines,
  type OutputStream,
  type RunResult,
  runTracked,
  type SpawnTrackedOptions,
  spawnTracked,
  TrackedProcess,
  tsxArgs,
} from './spawn.js';
export { startTcpServer, type TestTcpServer } from './tcp-server.js';
export { tempDir, tempSocketPath } from './temp.js';
export { DEADLINES, scaled, TIMEOUT_SCALE_ENV, timeoutScale } from './timeouts.js';
export {
  type Check,
  type ConnectionCountSource,
  connectionsReach,
  type WaitOptions,
  WaitTimeoutError,
  waitFor,
  withTimeout,
} from './wait.js';
