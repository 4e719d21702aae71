import { JsonRpcErrorCode, ProtocolError, toChatError } from '@sockworks/error-codes';
import { type JsonRpcCallObserver, JsonRpcEngine, type JsonRpcReply } from '@sockworks/jsonrpc';
import { type Logger, silentLogger, truncateForLog } from '@sockworks/logging';
import type { JsonObject } from '../protocol/messages.js';
import { isThenable } from './chat/flow.js';
import { jsonRpcCodeForChatError, legacyError, rpcError } from './errors.js';
import type { ChatCallContext, DeferredChatMethod } from './types.js';

/** Options of {@link ChatRouter}. */
export interface ChatRouterOptions {
  /** Most requests in one JSON-RPC 2.0 batch. @default 100 */
  maxBatch: number;
  /** Deepest JSON nesting accepted by the JSON-RPC engine. @default 64 */
  maxDepth: number;
  logger?: Logger;
  /** Times and counts each JSON-RPC request (metrics, request logs). @default none */
  observer?: JsonRpcCallObserver<ChatCallContext> | undefined;
}

/**
 * Routes decoded requests to registered methods in two dialects: the spec's plain form
 * (`{"method","params"}` answered with the method's reply object) and JSON-RPC 2.0 (any message with
 * `"jsonrpc": "2.0"`, and batches), answered through the shared JSON-RPC engine.
 */
export class ChatRouter {
  /** Each method as one call: parse the raw params, then run the handler (no type erasure needed). */
  readonly #methods = new Map<
    string,
    (params: unknown, ctx: ChatCallContext) => JsonObject | PromiseLike<JsonObject>
  >();
  readonly #engine: JsonRpcEngine<ChatCallContext>;
  readonly #log: Logger;

  constructor(options: ChatRouterOptions) {
    this.#log = options.logger ?? silentLogger();
    this.#engine = new JsonRpcEngine<ChatCallContext>({
      maxBatch: options.maxBatch,
      maxDepth: options.maxDepth,
      logger: this.#log,
      ...(options.observer === undefined ? {} : { observer: options.observer }),
      // Chat business errors carry string codes; JSON-RPC needs numbers, so the string goes in data.
      mapError: (error) => {
        if (!ProtocolError.is(error) || typeof error.code !== 'string') return undefined;
        const extra = typeof error.data === 'object' && error.data !== null ? error.data : {};
        return {
          code: jsonRpcCodeForChatError(error.code),
          message: error.message,
          data: { ...extra, code: error.code },
        };
      },
    });
  }

  /** Registers `method` under `name` for both dialects. */
  register<P, R extends JsonObject>(name: string, method: DeferredChatMethod<P, R>): void {
    if (this.#methods.has(name)) throw new Error(`method "${name}" is already registered`);
    this.#methods.set(name, (params, ctx) => method.handler(method.parseParams(params), ctx));
    this.#engine.register(name, {
      description: method.description,
      params: { schema: { type: 'object' }, parse: (p) => method.parseParams(p) },
      handler: (params: P, ctx: ChatCallContext) => {
        const reply = method.handler(params, ctx);
        // The engine takes promises; a handler may return any thenable.
        return isThenable(reply) ? Promise.resolve(reply) : reply;
      },
    });
  }

  /** The registered method names (the `method` label values of the metrics). */
  get methodNames(): IterableIterator<string> {
    return this.#methods.keys();
  }

  /** True when `message` is JSON-RPC 2.0: a batch, or an object with `"jsonrpc": "2.0"`. */
  isJsonRpc(message: unknown): boolean {
    if (Array.isArray(message)) return true;
    return typeof message === 'object' && message !== null && (message as JsonObject).jsonrpc === '2.0';
  }

  /** Handles a JSON-RPC 2.0 message; resolves to the response(s) or undefined (notifications). */
  handleJsonRpc(message: unknown, ctx: ChatCallContext): Promise<JsonRpcReply> {
    return this.#engine.handleValue(message, ctx);
  }

  /**
   * Handles a plain request; returns the reply object to send, synchronously when the handler
   * answered synchronously, else a promise of it (never rejected: errors become error replies).
   */
  handlePlain(message: unknown, ctx: ChatCallContext): JsonObject | Promise<JsonObject> {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      return legacyError(rpcError(JsonRpcErrorCode.INVALID_REQUEST, 'request must be a JSON object'));
    }
    const request = message as JsonObject;
    const name = request.method;
    if (typeof name !== 'string') {
      return legacyError(rpcError(JsonRpcErrorCode.INVALID_REQUEST, 'method must be a string'));
    }
    const method = this.#methods.get(name);
    if (!method) {
      this.#log.debug({ method: truncateForLog(name, 64) }, 'method not found');
      return legacyError(rpcError(JsonRpcErrorCode.METHOD_NOT_FOUND));
    }
    try {
      const reply = method(request.params, ctx);
      if (!isThenable(reply)) return reply;
      return Promise.resolve(reply).then(
        (value) => value,
        (err: unknown) => this.#plainError(err, name),
      );
    } catch (err) {
      return this.#plainError(err, name);
    }
  }

  /** A handler's error in the plain dialect's shapes. */
  #plainError(err: unknown, name: string): JsonObject {
    if (ProtocolError.is(err)) {
      return typeof err.code === 'number'
        ? legacyError(err as ProtocolError<number>)
        : { ...toChatError(err) };
    }
    this.#log.error({ err, method: name }, 'handler failed');
    return legacyError(rpcError(JsonRpcErrorCode.INTERNAL_ERROR));
  }
}
