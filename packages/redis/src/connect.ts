import { ProtocolError, ServiceErrorCode } from '@sockworks/error-codes';
import { BACKOFF_DEFAULTS, type BackoffOptions, backoffDelay } from '@sockworks/service';
import {
  createClient,
  createCluster,
  type RedisClientOptions,
  type RedisClientType,
  type RedisClusterType,
} from 'redis';
import { parseRedisUrl, redactRedisUrl } from './url.js';

/** What the link logs through (a pino logger fits). */
export interface RedisLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** Options of {@link connectRedis} and {@link connectRedisCluster}. */
export interface RedisConnectOptions {
  /** `redis://`, `rediss://` or `unix:///path` (see parseRedisUrl). */
  url: string;
  /** Give up the first connection after this long. @default 5000 */
  connectTimeoutMs?: number;
  /** A command not answered within this long fails. @default 2000 */
  commandTimeoutMs?: number;
  /** Shown by `CLIENT LIST`, e.g. `chat-rpc-server:host:pid`. */
  clientName?: string;
  logger?: RedisLogger;
  /** Reconnection schedule after a loss. @default 100 ms doubling to 5 s, half jitter */
  backoff?: Partial<BackoffOptions>;
}

/** The single-node client the links hold (node-redis, RESP2 replies). */
export type RedisClient = RedisClientType;
/** The cluster client {@link connectRedisCluster} returns. */
export type RedisCluster = RedisClusterType;

const NOOP_LOGGER: RedisLogger = { info() {}, warn() {} };

function clientOptions(options: RedisConnectOptions): RedisClientOptions {
  const endpoint = parseRedisUrl(options.url);
  const backoff: BackoffOptions = { ...BACKOFF_DEFAULTS, maxDelayMs: 5000, ...options.backoff };
  const socket = {
    // One attempt may not outlast the whole start-up deadline.
    connectTimeout: Math.min(options.connectTimeoutMs ?? 5000, 10_000),
    reconnectStrategy: (retries: number) => backoffDelay(retries + 1, backoff),
  };
  return {
    ...(endpoint.kind === 'url'
      ? { url: endpoint.url, socket }
      : { socket: { ...socket, path: endpoint.path }, database: endpoint.database }),
    ...(options.clientName === undefined ? {} : { name: options.clientName }),
    // Fail at once while Redis is away instead of queueing without bound: the caller answers
    // UNAVAILABLE and the client retries, rather than a request waiting forever.
    disableOfflineQueue: true,
    commandOptions: { timeout: options.commandTimeoutMs ?? 2000 },
  };
}

/**
 * Waits for `connecting` until the deadline; on timeout destroys the client and throws one
 * `UNAVAILABLE` error naming the (redacted) URL and the last socket error.
 */
async function connectWithin(
  connecting: Promise<unknown>,
  destroy: () => void,
  lastError: () => Error | undefined,
  options: RedisConnectOptions,
): Promise<void> {
  const deadline = options.connectTimeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), deadline);
  });
  // After a timeout the destroyed client rejects `connecting`; nobody awaits it then.
  connecting.catch(() => {});
  try {
    const outcome = await Promise.race([connecting.then(() => 'connected' as const), timedOut]);
    if (outcome === 'connected') return;
  } catch (err) {
    destroy();
    throw unreachable(options, deadline, err instanceof Error ? err : lastError());
  } finally {
    clearTimeout(timer);
  }
  destroy();
  throw unreachable(options, deadline, lastError());
}

function unreachable(
  options: RedisConnectOptions,
  deadline: number,
  cause: Error | undefined,
): ProtocolError {
  const why = cause === undefined ? '' : `: ${cause.message || cause.name}`;
  return new ProtocolError(
    ServiceErrorCode.UNAVAILABLE,
    `Redis at ${redactRedisUrl(options.url)} did not answer within ${deadline} ms${why}`,
    { cause },
  );
}

/**
 * One connection to Redis that survives Redis going away: commands fail fast with node-redis errors
 * (turn them into `UNAVAILABLE` with `orUnavailable`) while the client reconnects with backoff, and
 * `onReconnect` listeners run after each reconnection to restore what the app keeps in Redis
 * (subscriptions, name claims). Logs one line when the connection is lost and one when it is back.
 */
export class RedisLink {
  readonly client: RedisClient;
  readonly #options: RedisConnectOptions;
  readonly #logger: RedisLogger;
  readonly #reconnectListeners = new Set<() => void | Promise<void>>();
  #connectedOnce = false;
  #lost = false;
  #closed = false;
  #lastError: Error | undefined;

  private constructor(options: RedisConnectOptions) {
    this.#options = options;
    this.#logger = options.logger ?? NOOP_LOGGER;
    this.client = createClient(clientOptions(options)) as RedisClient;
    this.client.on('error', (err: Error) => this.#onError(err));
    this.client.on('ready', () => this.#onReady());
  }

  /** Connects within `connectTimeoutMs` or throws `UNAVAILABLE` (the client is destroyed then). */
  static async connect(options: RedisConnectOptions): Promise<RedisLink> {
    const link = new RedisLink(options);
    await connectWithin(
      link.client.connect(),
      () => link.client.destroy(),
      () => link.#lastError,
      options,
    );
    return link;
  }

  /** The URL with credentials hidden. */
  get redactedUrl(): string {
    return redactRedisUrl(this.#options.url);
  }

  /** True while commands can be sent. */
  get isReady(): boolean {
    return this.client.isReady;
  }

  /** Runs `listener` after every reconnection (not the first connection); returns an unsubscribe. */
  onReconnect(listener: () => void | Promise<void>): () => void {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  /** A second connection with the same options (a subscriber needs its own). */
  duplicate(clientName?: string): Promise<RedisLink> {
    return RedisLink.connect({ ...this.#options, clientName: clientName ?? this.#options.clientName });
  }

  /** Closes gracefully (pending replies arrive), destroying the socket after `deadlineMs`; idempotent. */
  async close(deadlineMs = 2000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.client.isOpen) return;
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.client.destroy();
        resolve();
      }, deadlineMs);
    });
    try {
      await Promise.race([this.client.close().catch(() => this.client.destroy()), forced]);
    } finally {
      clearTimeout(timer);
    }
  }

  #onError(err: Error): void {
    this.#lastError = err;
    if (this.#connectedOnce && !this.#lost && !this.#closed) {
      this.#lost = true;
      this.#logger.warn(
        { redis: this.redactedUrl, err: { message: err.message, name: err.name } },
        'redis connection lost; reconnecting',
      );
    }
  }

  #onReady(): void {
    if (!this.#connectedOnce) {
      this.#connectedOnce = true;
      return;
    }
    if (this.#lost) this.#logger.info({ redis: this.redactedUrl }, 'redis connection back');
    this.#lost = false;
    for (const listener of this.#reconnectListeners) {
      Promise.resolve()
        .then(listener)
        .catch((err: unknown) =>
          this.#logger.warn(
            { redis: this.redactedUrl, err: { message: err instanceof Error ? err.message : String(err) } },
            'redis reconnect hook failed',
          ),
        );
    }
  }
}

/** Connects one {@link RedisLink}; see there. */
export function connectRedis(options: RedisConnectOptions): Promise<RedisLink> {
  return RedisLink.connect(options);
}

/**
 * Connects to a Redis Cluster through `options.url` as the seed node (the others are discovered),
 * with the same deadline, fail-fast and reconnection settings as {@link connectRedis}.
 */
export async function connectRedisCluster(options: RedisConnectOptions): Promise<RedisCluster> {
  const { url, socket, ...defaults } = clientOptions(options) as RedisClientOptions & { url?: string };
  if (url === undefined) throw new TypeError('a Redis Cluster needs a redis:// or rediss:// seed URL');
  const cluster = createCluster({ rootNodes: [{ url, socket }], defaults: { ...defaults, socket } });
  let lastError: Error | undefined;
  cluster.on('error', (err: Error) => {
    lastError = err;
  });
  await connectWithin(
    cluster.connect(),
    () => cluster.destroy(),
    () => lastError,
    options,
  );
  return cluster as RedisCluster;
}
