import { JsonRpcErrorCode, ProtocolError, toJsonRpcError } from '@sockworks/error-codes';
import jayson from 'jayson';
import type { JsonRpcLogger } from './logger.js';
import type { MethodDefinition } from './method.js';
import { MAX_ECHOED_METHOD_NAME } from './options.js';
import { internalErrorResponse, standardMessage } from './responses.js';
import type { JsonRpcErrorObject, JsonRpcRequest, JsonRpcResponse } from './types.js';

/** A value now, or later. Sync handlers stay synchronous all the way so single requests skip extra ticks. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * What jayson hands a method as its "context", one per call: the caller's `ctx` (a box, so any `ctx`,
 * even undefined or 0, survives) and where the reply lands.
 */
interface CallBox<C> {
  ctx: C;
  done: boolean;
  reply: JsonRpcResponse | undefined;
  /** Set once the call turned out to be async: settles the promise `dispatch` returned. */
  resolve: ((reply: JsonRpcResponse | undefined) => void) | undefined;
}

type JaysonCallback = (error: JsonRpcErrorObject | null, result?: unknown) => void;

export interface DispatcherOptions {
  logger: JsonRpcLogger;
  methodNotFoundDetail: boolean;
  mapError: ((error: unknown, method: string) => JsonRpcErrorObject | undefined) | undefined;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs validated single requests through a jayson Server. Validation, batches and serialisation happen
 * in the engine; jayson routes, executes the method and builds the response object. Methods live in a
 * Map reached through jayson's `router` option, so names such as `rpc.discover` or `__proto__` work.
 */
export class JaysonDispatcher<C> {
  readonly #routes = new Map<string, jayson.Method>();
  readonly #server: jayson.Server;
  readonly #opts: DispatcherOptions;
  /**
   * The call whose reply jayson is about to hand over. jayson calls back synchronously from `call()`
   * (sync handlers, errors) or from the moment an async handler's callback runs; both places set this
   * around the call, so one callback serves every call and no call needs closures of its own.
   */
  #current: CallBox<C> | undefined;
  readonly #onReply = (error: unknown, response: unknown): void => {
    const box = this.#current;
    if (box === undefined || box.done) return;
    box.done = true;
    box.reply = (error ?? response ?? undefined) as JsonRpcResponse | undefined;
    if (box.resolve !== undefined) box.resolve(box.reply);
  };

  constructor(opts: DispatcherOptions) {
    this.#opts = opts;
    this.#server = new jayson.Server(
      {},
      {
        useContext: true,
        // An unknown name yields undefined, which jayson answers with -32601.
        router: (name: string) => this.#routes.get(name) as jayson.MethodLike,
      },
    );
    for (const code of [
      JsonRpcErrorCode.PARSE_ERROR,
      JsonRpcErrorCode.INVALID_REQUEST,
      JsonRpcErrorCode.METHOD_NOT_FOUND,
      JsonRpcErrorCode.INVALID_PARAMS,
      JsonRpcErrorCode.INTERNAL_ERROR,
    ]) {
      // jayson's own wording ("Parse Error", "Invalid request") differs from the specification's.
      this.#server.errorMessages[code] = standardMessage(code);
    }
  }

  /** Adds a method under `name` (the engine checks names and duplicates). */
  add(name: string, def: MethodDefinition<unknown, unknown, C>): void {
    const handler = (params: unknown, box: object, callback: JaysonCallback): void => {
      this.#execute(name, def, params, box as CallBox<C>, callback);
    };
    this.#routes.set(name, new jayson.Method(handler as jayson.MethodHandlerContext, { useContext: true }));
  }

  /** Dispatches one valid request; resolves to its response, or undefined for a notification. */
  dispatch(req: JsonRpcRequest, ctx: C): MaybePromise<JsonRpcResponse | undefined> {
    const idIsNull = req.id === null;
    // jayson treats "id": null as a notification; per the specification it is a request. Give jayson a
    // stand-in id and put null back in the response.
    const call = idIsNull ? { jsonrpc: '2.0', method: req.method, params: req.params, id: 0 } : req;
    const box: CallBox<C> = { ctx, done: false, reply: undefined, resolve: undefined };
    const outer = this.#current;
    this.#current = box;
    try {
      this.#server.call(call as jayson.JSONRPCRequest, box, this.#onReply);
    } catch (error) {
      this.#opts.logger.error({ err: error, method: req.method }, 'jayson call threw');
      if (!box.done) {
        box.done = true;
        box.reply = req.id === undefined ? undefined : internalErrorResponse(req.id);
      }
    } finally {
      // A handler may itself dispatch (an engine inside a method): the outer call is current again.
      this.#current = outer;
    }
    if (box.done) return this.#finish(box.reply, req, idIsNull);
    return new Promise<JsonRpcResponse | undefined>((resolve) => {
      box.resolve = (reply) => resolve(this.#finish(reply, req, idIsNull));
    });
  }

  #finish(
    reply: JsonRpcResponse | undefined,
    req: JsonRpcRequest,
    idIsNull: boolean,
  ): JsonRpcResponse | undefined {
    if (reply !== undefined) {
      if (idIsNull) reply.id = null;
      this.#decorateMethodNotFound(reply, req.method);
    }
    return reply;
  }

  /**
   * Params check, handler, result check, then jayson's callback: now for a value, later for a promise.
   * A thrown or rejected handler becomes an error object.
   */
  #execute(
    name: string,
    def: MethodDefinition<unknown, unknown, C>,
    raw: unknown,
    box: CallBox<C>,
    callback: JaysonCallback,
  ): void {
    let params: unknown = raw;
    if (def.params !== undefined) {
      try {
        params = def.params.parse(raw);
      } catch (error) {
        callback(this.#paramsError(name, error));
        return;
      }
    }
    let result: unknown;
    try {
      result = def.handler(params, box.ctx);
    } catch (error) {
      callback(this.#handlerError(name, error));
      return;
    }
    if (!isThenable(result)) {
      this.#succeed(name, result, callback);
      return;
    }
    result.then(
      (value) => this.#later(box, () => this.#succeed(name, value, callback)),
      (error: unknown) => this.#later(box, () => callback(this.#handlerError(name, error))),
    );
  }

  /** Runs `deliver` (which calls jayson's callback) with `box` as the call jayson answers. */
  #later(box: CallBox<C>, deliver: () => void): void {
    const outer = this.#current;
    this.#current = box;
    try {
      deliver();
    } finally {
      this.#current = outer;
    }
  }

  #succeed(name: string, value: unknown, callback: JaysonCallback): void {
    // JSON.stringify would silently drop these and leave a Response without "result".
    if (typeof value === 'function' || typeof value === 'symbol') {
      this.#opts.logger.error(
        { method: name, resultType: typeof value },
        'JSON-RPC handler returned a non-JSON value',
      );
      callback(internalError());
      return;
    }
    callback(null, value);
  }

  #paramsError(name: string, error: unknown): JsonRpcErrorObject {
    if (ProtocolError.is(error) && typeof error.code === 'number') return toJsonRpcError(error);
    // A validator library's own error type: still the client's fault, but its text stays private.
    this.#opts.logger.debug({ err: error, method: name }, 'params rejected');
    return {
      code: JsonRpcErrorCode.INVALID_PARAMS,
      message: standardMessage(JsonRpcErrorCode.INVALID_PARAMS),
    };
  }

  #handlerError(name: string, error: unknown): JsonRpcErrorObject {
    const { mapError, logger } = this.#opts;
    if (mapError !== undefined) {
      try {
        const mapped = mapError(error, name);
        if (mapped !== undefined) return mapped;
      } catch (mapFailure) {
        logger.error({ err: mapFailure, method: name }, 'mapError threw');
        return internalError();
      }
    }
    if (ProtocolError.is(error) && typeof error.code === 'number') return toJsonRpcError(error);
    logger.error({ err: error, method: name }, 'JSON-RPC handler failed');
    return internalError();
  }

  #decorateMethodNotFound(reply: JsonRpcResponse, method: string): void {
    if (!this.#opts.methodNotFoundDetail || !('error' in reply)) return;
    // Only jayson's own "no such route" answer, not a handler that chose to throw -32601.
    if (reply.error.code !== JsonRpcErrorCode.METHOD_NOT_FOUND || this.#routes.has(method)) return;
    const shown =
      method.length > MAX_ECHOED_METHOD_NAME ? `${method.slice(0, MAX_ECHOED_METHOD_NAME)}…` : method;
    reply.error = {
      ...reply.error,
      message: `${standardMessage(JsonRpcErrorCode.METHOD_NOT_FOUND)}: ${shown}`,
    };
  }
}

function internalError(): JsonRpcErrorObject {
  return { code: JsonRpcErrorCode.INTERNAL_ERROR, message: standardMessage(JsonRpcErrorCode.INTERNAL_ERROR) };
}
