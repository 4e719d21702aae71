import { PARTIAL_MESSAGE_DEFAULTS } from '@sockworks/framing';
import type { Logger } from '@sockworks/logging';
import { type BoundAddress, ConfigError } from '@sockworks/service';
import { DEFAULT_HOST, DEFAULT_PORT } from '../protocol/constants.js';
import { SystemText, systemMessage } from '../protocol/messages.js';
import { DEFAULT_CHAT_OPTIONS, type DuplicateNamePolicy } from './chat/chat-options.js';
import { ChatService, type ChatSession } from './chat/chat-service.js';
import type { Clock } from './chat/token-bucket.js';
import { DEFAULT_CODEC_LIMITS } from './codec.js';
import { RpcServer } from './transport.js';

/** Options of {@link createChatServer}; every field has a default in {@link CHAT_SERVER_DEFAULTS}. */
export interface ChatServerOptions {
  /** Address to listen on. @default '127.0.0.1' */
  host: string;
  /** TCP port (0: any free port). @default 65432 */
  port: number;
  /** Largest request in bytes; larger: one error, then close. @default 8192 */
  maxRequestBytes: number;
  /** Deepest JSON nesting. @default 64 */
  maxDepth: number;
  /** Most requests in one JSON-RPC 2.0 batch. @default 100 */
  maxBatch: number;
  /** Unread output a client may accumulate before it is disconnected, in bytes. @default 1048576 */
  maxOutputBytes: number;
  /** Concurrent connections; more get an error and are closed. @default 10000 */
  maxConnections: number;
  /** Longest username in code points. @default 50 */
  maxUsernameLength: number;
  /** Longest message in code points. @default 1000 */
  maxMessageLength: number;
  /** `suffix` (append `_<port>`) or `reject` ("Username already taken"). @default 'suffix' */
  duplicateNames: DuplicateNamePolicy;
  /** Rate limit burst (join_chat/send_message). @default 10 */
  rateBurst: number;
  /** Rate limit refill per second. @default 2 */
  ratePerSecond: number;
  /** Close clients that have not joined after this many ms (0: never). @default 60000 */
  joinTimeoutMs: number;
  /** Heartbeat interval in ms; clients silent for a whole interval are dropped (0: off). @default 0 */
  heartbeatIntervalMs: number;
  /** A request must be complete this long after its first byte, else MESSAGE_TIMEOUT and a close (0: off). @default 30000 */
  messageTimeoutMs: number;
  /** Bytes of unfinished requests held across all clients; the one passing it gets PARTIAL_BUDGET_EXCEEDED and a close (0: off). @default 67108864 */
  partialBudgetBytes: number;
  /** Drain deadline on close, then remaining sockets are destroyed. @default 10000 */
  closeTimeoutMs: number;
  /** How long a closed-by-server client gets to read its last message. @default 2000 */
  lingerMs: number;
  /** Time source of the rate limiter (ms). @default performance.now */
  now?: Clock;
  /** @default silent */
  logger?: Logger;
}

/** The defaults of every {@link ChatServerOptions} field (RELIABILITY.md limits). */
export const CHAT_SERVER_DEFAULTS: Readonly<Omit<ChatServerOptions, 'now' | 'logger'>> = {
  host: DEFAULT_HOST,
  port: DEFAULT_PORT,
  maxRequestBytes: DEFAULT_CODEC_LIMITS.maxRequestBytes,
  maxDepth: DEFAULT_CODEC_LIMITS.maxDepth,
  maxBatch: 100,
  maxOutputBytes: 1024 * 1024,
  maxConnections: 10_000,
  maxUsernameLength: DEFAULT_CHAT_OPTIONS.maxUsernameLength,
  maxMessageLength: DEFAULT_CHAT_OPTIONS.maxMessageLength,
  duplicateNames: DEFAULT_CHAT_OPTIONS.duplicateNames,
  rateBurst: DEFAULT_CHAT_OPTIONS.rateBurst,
  ratePerSecond: DEFAULT_CHAT_OPTIONS.ratePerSecond,
  joinTimeoutMs: DEFAULT_CHAT_OPTIONS.joinTimeoutMs,
  heartbeatIntervalMs: 0,
  messageTimeoutMs: PARTIAL_MESSAGE_DEFAULTS.messageTimeoutMs,
  partialBudgetBytes: PARTIAL_MESSAGE_DEFAULTS.budgetBytes,
  closeTimeoutMs: 10_000,
  lingerMs: 2_000,
};

/** A chat server: not listening until `listen()`. */
export interface ChatServer extends AsyncDisposable {
  /** Listens on `host:port` (options, overridable here); resolves with the bound address. */
  listen(target?: { host?: string; port?: number }): Promise<BoundAddress>;
  /** Stops accepting, tells everyone the server is shutting down, drains; idempotent. */
  close(options?: { timeoutMs?: number }): Promise<void>;
  /** The bound address once listening. */
  readonly address: BoundAddress | null;
  /** Joined users in join order. */
  readonly sessions: readonly ChatSession[];
  /** Open connections (joined or not). */
  readonly connectionCount: number;
}

/** Builds a chat server: the RPC transport with the chat layer registered on it. Pure: no listen. */
export function createChatServer(options: Partial<ChatServerOptions> = {}): ChatServer {
  const o: ChatServerOptions = { ...CHAT_SERVER_DEFAULTS, ...options };
  checkOptions(o);
  const transport = new RpcServer({
    ...o,
    goodbye: () => systemMessage(SystemText.shuttingDown),
  });
  const chat = new ChatService(transport, o);
  return {
    listen: (target = {}) => transport.listen({ host: target.host ?? o.host, port: target.port ?? o.port }),
    close: (closeOptions) => transport.close(closeOptions),
    [Symbol.asyncDispose]: () => transport.close(),
    get address() {
      return transport.address;
    },
    get sessions() {
      return chat.sessions;
    },
    get connectionCount() {
      return transport.connections.size;
    },
  };
}

function checkOptions(o: ChatServerOptions): void {
  const atLeast = (name: keyof ChatServerOptions, min: number) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
      throw new ConfigError(`${name} must be a number >= ${min} (got ${String(v)})`);
    }
  };
  atLeast('maxRequestBytes', 64);
  atLeast('maxDepth', 2);
  atLeast('maxBatch', 1);
  atLeast('maxOutputBytes', 1024);
  atLeast('maxConnections', 1);
  atLeast('heartbeatIntervalMs', 0);
  atLeast('closeTimeoutMs', 0);
  atLeast('messageTimeoutMs', 0);
  atLeast('partialBudgetBytes', 0);
  atLeast('lingerMs', 0);
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)
    throw new ConfigError(`port must be 0-65535 (got ${o.port})`);
}
