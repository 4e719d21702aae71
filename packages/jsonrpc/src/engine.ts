import { exceedsJsonDepth, hasNonFiniteNumber } from '@sockworks/framing';
import { valueExceedsDepth } from './depth.js';
import { JaysonDispatcher, type MaybePromise } from './dispatcher.js';
import { type JsonRpcLogger, silentJsonRpcLogger } from './logger.js';
import type { MethodDefinition } from './method.js';
import { buildOpenRpcDocument, type OpenRpcDocument, type OpenRpcInfo } from './openrpc.js';
import {
  checkLimit,
  type JsonRpcCallObserver,
  type JsonRpcEngineOptions,
  jsonRpcEngineDefaults,
} from './options.js';
import {
  batchTooLargeResponse,
  internalErrorResponse,
  invalidRequestResponse,
  parseErrorResponse,
} from './responses.js';
import type { JsonRpcResponse } from './types.js';
import { isValidRequest, recoverId } from './validate.js';

/** Options of `registerDiscover`. */
export interface DiscoverOptions<C> {
  /** Receives the `rpc.discover` definition and returns the one to register (e.g. with a logging handler). */
  wrap?: (
    def: MethodDefinition<unknown, OpenRpcDocument, C>,
  ) => MethodDefinition<unknown, OpenRpcDocument, C>;
}

/** What `handleValue` resolves to: one response, a batch of responses, or undefined ("send nothing"). */
export type JsonRpcReply = JsonRpcResponse | JsonRpcResponse[] | undefined;

const PARSE_ERROR_TEXT = JSON.stringify(parseErrorResponse());
const NON_FINITE_DETAIL = 'a number outside the range of a double';

/**
 * Checks and decodes UTF-8 in one native pass (Buffer's isUtf8 + toString take two). `ignoreBOM` keeps
 * a byte order mark in the text, where JSON.parse refuses it as before.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A transport-agnostic JSON-RPC 2.0 engine: give it one message (text, bytes or a parsed value) and
 * it answers with the reply to send, or undefined when nothing must be sent. Dispatch runs on jayson.
 */
export class JsonRpcEngine<C = void> {
  readonly #defs = new Map<string, MethodDefinition<unknown, unknown, C>>();
  readonly #dispatcher: JaysonDispatcher<C>;
  readonly #maxBatch: number;
  readonly #maxDepth: number;
  readonly #logger: JsonRpcLogger;
  readonly #tooDeepText: string;
  readonly #observer: JsonRpcCallObserver<C> | undefined;

  constructor(opts: JsonRpcEngineOptions<NoInfer<C>> = {}) {
    this.#observer = opts.observer;
    this.#maxBatch = checkLimit('maxBatch', opts.maxBatch ?? jsonRpcEngineDefaults.maxBatch);
    this.#maxDepth = checkLimit('maxDepth', opts.maxDepth ?? jsonRpcEngineDefaults.maxDepth);
    this.#logger = opts.logger ?? silentJsonRpcLogger;
    this.#dispatcher = new JaysonDispatcher<C>({
      logger: this.#logger,
      methodNotFoundDetail: opts.methodNotFoundDetail ?? jsonRpcEngineDefaults.methodNotFoundDetail,
      mapError: opts.mapError,
    });
    this.#tooDeepText = JSON.stringify(this.#tooDeep());
  }

  /** The registered methods, by name (including `rpc.discover` once registered). */
  get methods(): ReadonlyMap<string, MethodDefinition<unknown, unknown, C>> {
    return this.#defs;
  }

  /** Registers a method; throws on an empty, duplicate or reserved ("rpc.") name. */
  register<P, R>(name: string, def: MethodDefinition<P, R, C>): this {
    if (typeof name === 'string' && name.startsWith('rpc.')) {
      throw new TypeError(
        `method name "${name}" is reserved: names starting with "rpc." belong to the engine`,
      );
    }
    this.#add(name, def);
    return this;
  }

  /**
   * Registers `rpc.discover`, which answers with `discover(info)` for the methods registered at call
   * time. `wrap` lets an app treat it like its own methods (log or meter calls), since `register()`
   * refuses `rpc.*` names.
   */
  registerDiscover(info: OpenRpcInfo, opts: DiscoverOptions<C> = {}): this {
    const def: MethodDefinition<unknown, OpenRpcDocument, C> = {
      description: 'Returns the OpenRPC document describing this service.',
      result: { schema: { type: 'object', description: 'OpenRPC document' } },
      handler: () => this.discover(info),
    };
    this.#add('rpc.discover', opts.wrap === undefined ? def : opts.wrap(def));
    return this;
  }

  /** An OpenRPC 1.x document generated from the registry (methods named "rpc.*" are left out). */
  discover(info: OpenRpcInfo): OpenRpcDocument {
    return buildOpenRpcDocument(info, this.#defs);
  }

  /**
   * Handles one raw message: JSON text or UTF-8 bytes. Resolves to the reply text, or undefined when
   * nothing must be sent (notifications, all-notification batches). Never rejects.
   */
  async handle(raw: string | Uint8Array, ctx: C): Promise<string | undefined> {
    return this.respond(raw, ctx);
  }

  /**
   * Like {@link handle}, but synchronous when every method the message calls answers synchronously:
   * returns the reply text (or undefined) directly, and a Promise only when a method is async. Lets a
   * transport answer in the same turn, without a microtask per message. Never throws or rejects.
   */
  respond(raw: string | Uint8Array, ctx: C): string | undefined | Promise<string | undefined> {
    let text: string;
    if (typeof raw === 'string') {
      text = raw;
    } else {
      try {
        text = UTF8.decode(raw);
      } catch {
        return PARSE_ERROR_TEXT;
      }
    }
    if (exceedsJsonDepth(text, this.#maxDepth)) {
      this.#logTooDeep();
      return this.#tooDeepText;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return PARSE_ERROR_TEXT;
    }
    const pending = this.#process(value, ctx, false);
    if (pending instanceof Promise) {
      return pending.then((reply) => (reply === undefined ? undefined : this.#serialize(reply)));
    }
    return pending === undefined ? undefined : this.#serialize(pending);
  }

  /**
   * Handles one already-parsed message (for transports whose decoder parses JSON). Resolves to the
   * response object(s) to send, or undefined. Never rejects.
   */
  async handleValue(message: unknown, ctx: C): Promise<JsonRpcReply> {
    try {
      if (valueExceedsDepth(message, this.#maxDepth)) {
        this.#logTooDeep();
        return this.#tooDeep();
      }
      // A transport's own value may share or cycle references, which JSON.parse output never does.
      return await this.#process(message, ctx, true);
    } catch (error) {
      // Only exotic values (a Proxy or a getter that throws) get here; JSON.parse output cannot.
      this.#logger.error({ err: error }, 'JSON-RPC message could not be inspected');
      return internalErrorResponse(null);
    }
  }

  #add<P, R>(name: string, def: MethodDefinition<P, R, C>): void {
    if (typeof name !== 'string' || name === '')
      throw new TypeError('method name must be a non-empty string');
    if (this.#defs.has(name)) throw new Error(`method "${name}" is already registered`);
    if (typeof def?.handler !== 'function') throw new TypeError(`method "${name}" needs a handler function`);
    // Type erasure: the definition's own parse produces the P its handler expects.
    const erased = def as unknown as MethodDefinition<unknown, unknown, C>;
    this.#defs.set(name, erased);
    this.#dispatcher.add(name, erased);
  }

  #logTooDeep(): void {
    this.#logger.debug({ maxDepth: this.#maxDepth }, 'JSON-RPC message nested too deep');
  }

  #tooDeep(): JsonRpcResponse {
    return invalidRequestResponse(null, `nesting deeper than ${this.#maxDepth} levels`);
  }

  #process(value: unknown, ctx: C, guardCycles: boolean): MaybePromise<JsonRpcReply> {
    if (!Array.isArray(value)) return this.#single(value, ctx, guardCycles);
    // An empty batch is one Invalid Request, never an empty array.
    if (value.length === 0) return invalidRequestResponse(null);
    if (value.length > this.#maxBatch) return batchTooLargeResponse(value.length, this.#maxBatch);
    const replies: Array<MaybePromise<JsonRpcResponse | undefined>> = new Array(value.length);
    let pending = false;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // jayson skips nested batches silently; the specification wants an Invalid Request for them.
      const reply = Array.isArray(item) ? invalidRequestResponse(null) : this.#single(item, ctx, guardCycles);
      if (reply instanceof Promise) pending = true;
      replies[i] = reply;
    }
    return pending
      ? Promise.all(replies).then(compact)
      : compact(replies as Array<JsonRpcResponse | undefined>);
  }

  #single(value: unknown, ctx: C, guardCycles: boolean): MaybePromise<JsonRpcResponse | undefined> {
    const observer = this.#observer;
    if (observer === undefined) return this.#answer(value, ctx, guardCycles);
    const started = observer.start();
    const reply = this.#answer(value, ctx, guardCycles);
    if (!(reply instanceof Promise)) {
      observer.finish(started, value, reply, ctx);
      return reply;
    }
    return reply.then((response) => {
      observer.finish(started, value, response, ctx);
      return response;
    });
  }

  #answer(value: unknown, ctx: C, guardCycles: boolean): MaybePromise<JsonRpcResponse | undefined> {
    // 1e400 parses to Infinity, which the reply (or a handler's echo) would carry as null. Wherever it
    // sits (params, id, an unknown member), the Request as a whole is unusable: -32600 with id null,
    // as for too-deep nesting, since even an id that parsed may not be the one the client sent.
    if (hasNonFiniteNumber(value, guardCycles)) return invalidRequestResponse(null, NON_FINITE_DETAIL);
    if (!isValidRequest(value)) return invalidRequestResponse(recoverId(value));
    return this.#dispatcher.dispatch(value, ctx);
  }

  #serialize(reply: JsonRpcResponse | JsonRpcResponse[]): string {
    if (!Array.isArray(reply)) return this.#stringify(reply);
    // Element by element, so one unserialisable result spoils only its own entry.
    let out = '[';
    for (let i = 0; i < reply.length; i++) {
      if (i > 0) out += ',';
      out += this.#stringify(reply[i] as JsonRpcResponse);
    }
    return `${out}]`;
  }

  #stringify(response: JsonRpcResponse): string {
    try {
      return JSON.stringify(response);
    } catch (error) {
      // BigInt, cycles, or a result nested too deep for V8's serialiser.
      this.#logger.error({ err: error }, 'JSON-RPC response could not be serialised');
      return JSON.stringify(internalErrorResponse(response.id));
    }
  }
}

/** Drops notification slots; a batch with nothing left to say gets no reply at all. */
function compact(replies: Array<JsonRpcResponse | undefined>): JsonRpcResponse[] | undefined {
  const out = replies.filter((r): r is JsonRpcResponse => r !== undefined);
  return out.length === 0 ? undefined : out;
}
