import { KvErrorCode } from '@sockworks/error-codes';
import { PARTIAL_MESSAGE_DEFAULTS, PartialMessageGuard } from '@sockworks/framing';
import { LazyConnectionLogger, type Logger, silentLogger } from '@sockworks/logging';
import type { Observability } from '@sockworks/metrics';
import { type BoundAddress, ConfigError, type ListenTarget, NetService } from '@sockworks/service';
import { DEFAULT_SOCKET_PATH } from '../protocol/constants.js';
import { createDefaultRegistry } from './commands/index.js';
import type { CommandRegistry } from './commands/registry.js';
import { KvConnection } from './connection.js';
import type { KvStorage } from './kv-storage.js';
import { DataFile, type FsyncPolicy } from './persistence/data-file.js';
import { RequestHandler } from './request-handler.js';
import { KvStore } from './store.js';

/** Defaults of {@link KvServerOptions} (each is also a CLI flag and env var, see cli/server-options.ts). */
export const KV_SERVER_DEFAULTS = {
  /** @default '/tmp/python_server.sock' (the spec's path, so existing clients work unchanged) */
  socketPath: DEFAULT_SOCKET_PATH,
  /** @default 0o660 */
  socketMode: 0o660,
  /** @default 1 MiB; a longer request line gets MESSAGE_TOO_LARGE and the connection is closed */
  maxLineBytes: 1024 * 1024,
  /** @default 64 levels of JSON nesting */
  maxDepth: 64,
  /** @default 10000 connections; the next one gets TOO_MANY_CONNECTIONS and is closed */
  maxConnections: 10_000,
  /** @default 1024 bytes (UTF-8) per key */
  maxKeyBytes: 1024,
  /** @default 1,000,000 keys */
  maxKeys: 1_000_000,
  /** @default 256 MiB of keys plus value JSON */
  maxStorageBytes: 256 * 1024 * 1024,
  /** @default 64 KiB of unsent replies per connection before processing and reading pause */
  outputHighWaterMark: 64 * 1024,
  /** @default 60000 ms: a client whose replies stay above the high-water mark this long without draining is disconnected (0: never) */
  outputStallTimeoutMs: 60_000,
  /** @default 30000 ms: a request line must be complete this long after its first byte, else MESSAGE_TIMEOUT and a close (0: no deadline) */
  messageTimeoutMs: PARTIAL_MESSAGE_DEFAULTS.messageTimeoutMs,
  /** @default 64 MiB of unfinished request lines held across all connections; the line that passes it gets PARTIAL_BUDGET_EXCEEDED and a close (0: no budget) */
  partialBudgetBytes: PARTIAL_MESSAGE_DEFAULTS.budgetBytes,
  /** @default 10000 ms drain on close, then remaining connections are destroyed */
  closeTimeoutMs: 10_000,
  /** @default 'everysec' */
  fsync: 'everysec' as FsyncPolicy,
  /** @default 64 MiB: the data file is compacted once it is larger than this and twice the live data */
  compactMinBytes: 64 * 1024 * 1024,
} as const;

/** Options of {@link createKvServer}; everything is optional. */
export interface KvServerOptions {
  /** Where `listen()` binds when called without a target. */
  socketPath?: string;
  socketMode?: number;
  maxLineBytes?: number;
  maxDepth?: number;
  maxConnections?: number;
  maxKeyBytes?: number;
  maxKeys?: number;
  maxStorageBytes?: number;
  outputHighWaterMark?: number;
  outputStallTimeoutMs?: number;
  messageTimeoutMs?: number;
  partialBudgetBytes?: number;
  closeTimeoutMs?: number;
  /** Append-only data file; when unset the store lives in memory only. */
  dataFile?: string;
  /**
   * A shared store to serve instead of the in-process one (`RedisKvStore`, `--redis-url`); the server
   * closes it after its connections. Not together with `dataFile`.
   */
  storage?: KvStorage & { close?(): Promise<void> };
  fsync?: FsyncPolicy;
  compactMinBytes?: number;
  /** @default silent */
  logger?: Logger;
  /** The clock used for timestamps. @default () => new Date() */
  now?: () => Date;
  /** The commands served. @default the spec's nine (createDefaultRegistry()) */
  registry?: CommandRegistry;
  /** Metrics, request log and health (see createKvObservability). @default none */
  observability?: Observability;
}

/** A key-value server, not yet listening. */
export interface KvServer extends AsyncDisposable {
  /** The in-process store (empty and unused when `storage` was given). */
  readonly store: KvStore;
  /** The store the commands use: `options.storage`, else `store`. */
  readonly storage: KvStorage;
  readonly registry: CommandRegistry;
  /** The bound address once listening. */
  readonly address: BoundAddress | null;
  /** Live connections (for introspection and tests). */
  readonly connections: ReadonlySet<KvConnection>;
  /** Resolves once exactly `n` connections are live, on the service's connection events (for tests). */
  waitForConnections(n: number): Promise<void>;
  /** Loads the data file (if any), then listens (default: `{ path: socketPath }`). */
  listen(target?: ListenTarget): Promise<BoundAddress>;
  /** Graceful, idempotent close: drain connections, destroy after the deadline, flush the data file. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** Builds a key-value server from options (pure: nothing is opened or bound until `listen()`). */
export function createKvServer(options: KvServerOptions = {}): KvServer {
  const o = { ...KV_SERVER_DEFAULTS, ...stripUndefined(options) };
  for (const name of [
    'maxLineBytes',
    'maxDepth',
    'maxConnections',
    'maxKeyBytes',
    'maxKeys',
    'maxStorageBytes',
    'outputHighWaterMark',
  ] as const) {
    positiveInt(name, o[name]);
  }
  for (const name of ['outputStallTimeoutMs', 'messageTimeoutMs', 'partialBudgetBytes'] as const) {
    if (!Number.isSafeInteger(o[name]) || o[name] < 0) {
      throw new ConfigError(`${name} must be a non-negative integer, got ${String(o[name])}`);
    }
  }
  const logger = options.logger ?? silentLogger();
  const now = options.now ?? (() => new Date());
  const registry = options.registry ?? createDefaultRegistry();
  const store = new KvStore({
    maxKeyBytes: o.maxKeyBytes,
    maxKeys: o.maxKeys,
    maxTotalBytes: o.maxStorageBytes,
  });
  const metrics = options.observability?.metrics;
  if (options.storage !== undefined && o.dataFile !== undefined) {
    throw new ConfigError('a shared store (--redis-url) and --data-file cannot be used together');
  }
  const storage = options.storage ?? store;
  const handler = new RequestHandler(
    { store: storage, now, registry },
    options.now === undefined ? Date.now : undefined,
    options.observability?.recorder,
  );
  let dataFile: DataFile | undefined;
  const beforeReply = (): void => dataFile?.flush();
  const partials = new PartialMessageGuard<KvConnection>({
    messageTimeoutMs: o.messageTimeoutMs,
    budgetBytes: o.partialBudgetBytes,
    onHolderError: (err) => logger.error({ err }, 'cutting off an unfinished request failed'),
  });
  const connectionOptions = {
    maxLineBytes: o.maxLineBytes,
    maxDepth: o.maxDepth,
    outputHighWaterMark: o.outputHighWaterMark,
    outputStallTimeoutMs: o.outputStallTimeoutMs,
  };

  const service = new NetService<KvConnection>({
    logger,
    maxConnections: o.maxConnections,
    closeTimeoutMs: o.closeTimeoutMs,
    socketMode: o.socketMode,
    // Half-open: a client may send its last request and shut down its side, and still get the reply.
    // The socket's own high-water mark matches ours, so write() reports "full" exactly when we stop.
    serverOptions: { allowHalfOpen: true, highWaterMark: o.outputHighWaterMark },
    ...(metrics === undefined ? {} : { observer: metrics }),
    createConnection: (socket, ctx) =>
      new KvConnection(
        socket,
        // The connection's logger is built only when it writes a line; idle connections stay small.
        {
          handler,
          beforeReply,
          partials,
          log: new LazyConnectionLogger(logger, ctx.id, ctx.remote),
          metrics,
        },
        connectionOptions,
      ),
    rejectConnection: (socket) => {
      metrics?.error(KvErrorCode.TOO_MANY_CONNECTIONS);
      socket.write(
        handler.error(
          KvErrorCode.TOO_MANY_CONNECTIONS,
          `Server is at its limit of ${o.maxConnections} connections`,
        ),
      );
    },
  });

  let closing: Promise<void> | undefined;
  return {
    store,
    storage,
    registry,
    get address() {
      return service.address;
    },
    get connections() {
      return service.connections;
    },
    waitForConnections(n) {
      return service.waitForConnections(n);
    },
    async listen(target) {
      if (o.dataFile !== undefined && dataFile === undefined) {
        dataFile = DataFile.open(store, {
          path: o.dataFile,
          fsync: o.fsync,
          compactMinBytes: o.compactMinBytes,
          logger,
        });
      }
      try {
        const address = await service.listen(target ?? { path: o.socketPath });
        logger.info(
          {
            maxLineBytes: o.maxLineBytes,
            messageTimeoutMs: o.messageTimeoutMs,
            partialBudgetBytes: o.partialBudgetBytes,
            maxConnections: o.maxConnections,
            maxKeys: o.maxKeys,
            maxStorageBytes: o.maxStorageBytes,
            dataFile: o.dataFile ?? null,
            keys: store.size,
          },
          'kv server started',
        );
        return address;
      } catch (err) {
        dataFile?.close();
        dataFile = undefined;
        throw err;
      }
    },
    close(closeOptions) {
      closing ??= (async () => {
        try {
          await service.close(closeOptions);
        } finally {
          partials.close();
          dataFile?.close();
          await options.storage?.close?.();
          logger.info({ keys: store.size }, 'kv server stopped');
        }
      })();
      return closing;
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
