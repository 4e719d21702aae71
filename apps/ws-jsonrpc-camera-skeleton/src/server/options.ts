import type { Logger } from '@sockworks/logging';
import type { Observability } from '@sockworks/metrics';
import { ConfigError, checkInt, withDefaults } from '@sockworks/service';
import { type MethodRegistry, methods } from './methods/index.js';

/** A pino level name, or `silent`. */
export type MessageLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** Options of {@link createWsRpcServer}; every limit has a flag and env var in `config.ts`. */
export interface WsRpcServerOptions {
  /** URL path of the WebSocket endpoint; upgrades elsewhere get HTTP 404. @default '/ws' */
  path?: string;
  /** The JSON-RPC methods (rpc.discover is added). @default the registry in src/methods/index.ts */
  methods?: MethodRegistry;
  /** Root logger; each connection gets a child. @default silent */
  logger?: Logger;
  /** Metrics, request log and health (see createWsObservability). @default health only */
  observability?: Observability;
  /** Level of the per-message lines (received, sending, method called). @default 'info' (the spec's) */
  messageLogLevel?: MessageLogLevel;
  /** Logged message text is cut to this many characters. @default 200 */
  logMaxChars?: number;
  /** Largest incoming message in bytes; over it the connection is closed with 1009. @default 1 MiB */
  maxPayload?: number;
  /** Output queue cap per client in bytes; a client that stops reading is terminated past it. @default 1 MiB */
  maxBufferedBytes?: number;
  /** Concurrent WebSocket connections; the excess gets HTTP 503 before upgrading. @default 10000 */
  maxConnections?: number;
  /** Heartbeat ping interval in ms; a client that missed the previous pong is terminated. 0 = off. @default 30000 */
  heartbeatIntervalMs?: number;
  /** Shutdown grace in ms: clients get close 1001, stragglers are terminated after it. @default 10000 */
  closeTimeoutMs?: number;
  /** Requests per JSON-RPC batch. @default 100 */
  maxBatch?: number;
  /** JSON nesting depth. @default 64 */
  maxDepth?: number;
  /** When set, the upgrade needs `Authorization: Bearer <token>` (else 401). @default undefined */
  authToken?: string;
  /** When non-empty, an upgrade with an `Origin` header outside this list gets 403. @default [] */
  allowedOrigins?: readonly string[];
  /** Title and version in the rpc.discover document. @default { title: 'ws-jsonrpc-camera-skeleton', version: '0.1.0' } */
  info?: { title: string; version: string };
  /** HTTP headers timeout in ms (slowloris guard before the upgrade). @default 10000 */
  headersTimeoutMs?: number;
  /** HTTP request timeout in ms (plain requests such as /healthz). @default 30000 */
  requestTimeoutMs?: number;
  /** Largest HTTP request header block in bytes. @default 16 KiB */
  maxHeaderBytes?: number;
  /**
   * How often Node checks sockets against the two HTTP timeouts (their granularity; Node's own default
   * is 30 s, which would let a slowloris client hold a socket that much past the headers timeout).
   * @default 1000
   */
  timeoutCheckIntervalMs?: number;
}

/** The defaults of {@link WsRpcServerOptions}. */
export const DEFAULT_SERVER_OPTIONS = {
  path: '/ws',
  messageLogLevel: 'info',
  logMaxChars: 200,
  maxPayload: 1024 * 1024,
  maxBufferedBytes: 1024 * 1024,
  maxConnections: 10_000,
  heartbeatIntervalMs: 30_000,
  closeTimeoutMs: 10_000,
  maxBatch: 100,
  maxDepth: 64,
  allowedOrigins: [],
  info: { title: 'ws-jsonrpc-camera-skeleton', version: '0.1.0' },
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxHeaderBytes: 16 * 1024,
  timeoutCheckIntervalMs: 1000,
} as const satisfies Omit<WsRpcServerOptions, 'logger' | 'methods' | 'authToken' | 'observability'>;

/** Options after merging with the defaults and validation. */
export interface ResolvedServerOptions
  extends Required<Omit<WsRpcServerOptions, 'logger' | 'authToken' | 'allowedOrigins' | 'observability'>> {
  logger: Logger;
  authToken: string | undefined;
  allowedOrigins: ReadonlySet<string>;
}

const POSITIVE_INT_OPTIONS = [
  'maxPayload',
  'maxBufferedBytes',
  'maxConnections',
  'maxBatch',
  'maxDepth',
  'logMaxChars',
  'headersTimeoutMs',
  'requestTimeoutMs',
  'maxHeaderBytes',
  'timeoutCheckIntervalMs',
] as const;
const NON_NEGATIVE_INT_OPTIONS = ['heartbeatIntervalMs', 'closeTimeoutMs'] as const;

/** Merges `options` with the defaults and throws a ConfigError naming the first invalid option. */
export function resolveServerOptions(options: WsRpcServerOptions, logger: Logger): ResolvedServerOptions {
  const o = withDefaults({ ...DEFAULT_SERVER_OPTIONS, methods }, options);
  if (!o.path.startsWith('/'))
    throw new ConfigError(`path must start with "/", got ${JSON.stringify(o.path)}`);
  for (const name of POSITIVE_INT_OPTIONS) checkInt(name, o[name]);
  for (const name of NON_NEGATIVE_INT_OPTIONS) checkInt(name, o[name], { min: 0 });
  // Node's http.Server throws on this combination; say so in our terms.
  if (o.headersTimeoutMs > o.requestTimeoutMs)
    throw new ConfigError(
      `headersTimeoutMs (${o.headersTimeoutMs}) must not exceed requestTimeoutMs (${o.requestTimeoutMs})`,
    );
  if (o.authToken !== undefined && o.authToken === '') throw new ConfigError('authToken must not be empty');
  return {
    ...o,
    logger,
    authToken: o.authToken,
    allowedOrigins: new Set(o.allowedOrigins.map(normalizeOrigin)),
  };
}

/** Lower-cases an origin and drops a trailing slash, so `HTTPS://App.example/` matches `https://app.example`. */
export function normalizeOrigin(origin: string): string {
  const trimmed = origin.trim().toLowerCase();
  return trimmed.endsWith('/') ? trimmed.slice(0, -1) : trimmed;
}
