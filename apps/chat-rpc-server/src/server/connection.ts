import type { Socket } from 'node:net';
import { JsonRpcErrorCode, type ProtocolError } from '@sockworks/error-codes';
import {
  FramingError,
  FramingErrorCode,
  type JsonStreamDecoder,
  looksLikeHttpRequest,
  type PartialMessageGuard,
  type PartialMessageHolder,
  parseJsonPayload,
} from '@sockworks/framing';
import { type Logger, truncateForLog } from '@sockworks/logging';
import type { RequestLogTarget, RequestRecorder, ServiceMetrics } from '@sockworks/metrics';
import { type ConnectionHandle, routeSocketEvents } from '@sockworks/service';
import type { JsonObject } from '../protocol/messages.js';
import { type CodecLimits, createRequestDecoder, encodeMessage } from './codec.js';
import { framingErrorReply, rpcError, unboundError } from './errors.js';
import type { ChatRouter } from './router.js';
import type { ChatTransport } from './transport.js';
import type { ChatCallContext, ChatPeer } from './types.js';

/** Per-connection limits. */
export interface ChatConnectionLimits extends CodecLimits {
  /** Bytes a client may leave unread in its output queue before it is disconnected. @default 1 MiB */
  maxOutputBytes: number;
  /** After close() or a fatal error, how long the peer gets to read the last message. @default 2000 */
  lingerMs: number;
}

/** Who a connection is: its id, the server's logger (a child made on first use), the peer's address. */
export interface ChatConnectionContext {
  readonly id: number;
  readonly logger: Logger;
  readonly remote: string;
}

/** What a connection needs from its server. */
export interface ChatConnectionDeps {
  router: ChatRouter;
  limits: ChatConnectionLimits;
  /** The server's bound on unfinished requests (deadline from the first byte, total budget). */
  partials: PartialMessageGuard<ChatConnection>;
  /** The final message a graceful shutdown sends (e.g. "server is shutting down"). */
  goodbye?: () => JsonObject | undefined;
  /** Called once when the socket has closed. */
  onClose?: (conn: ChatConnection) => void;
  /** Whether debug lines are logged (checked once, so idle clients need no child logger). */
  debugLogs?: boolean;
  /** Times, counts and logs each plain request when metrics or request logs are on. */
  recorder?: RequestRecorder | undefined;
  /** Counts replies, errors and slow consumers when metrics are on. */
  metrics?: ServiceMetrics | undefined;
}

// Messages queued behind an in-flight async request before reading pauses.
const MAX_QUEUED_MESSAGES = 256;

/**
 * One client connection (a TCP socket, or a WebSocket through its {@link ChatTransport}): feeds its
 * input to the request decoder, answers each request in order, writes broadcasts, enforces the
 * output cap, and closes gracefully. It is also the {@link ChatPeer} the chat layer sees.
 */
export class ChatConnection implements ConnectionHandle, ChatPeer, PartialMessageHolder {
  readonly id: number;
  readonly address: string;
  readonly remotePort: number | undefined;
  /**
   * Dialect of the client's most recent request: when JSON-RPC 2.0, broadcasts go out as
   * notifications and errors that belong to no request as JSON-RPC error responses (id null).
   */
  jsonRpc = false;
  /** Set whenever bytes arrive; the heartbeat clears it. */
  alive = true;

  readonly #socket: ChatTransport;
  /** Builds the per-connection child logger on first use (see `#log`). */
  readonly #ctx: { readonly logger: Logger };
  readonly #deps: ChatConnectionDeps;
  readonly #decoder: JsonStreamDecoder;
  readonly #queue: unknown[] = [];
  #busy = false;
  /** No more input is processed; the socket ends once the queue is empty. */
  #ending = false;
  #ended = false;
  #finalMessage: JsonObject | undefined;
  #pausedForOutput = false;
  /** `sendPaced` calls waiting for the socket to drain (or close); made when first needed. */
  #drainWaiters: (() => void)[] | undefined;
  #pausedForQueue = false;
  /** Requests and errors decoded so far: tells the partial-message guard a push completed one. */
  #decoded = 0;
  /**
   * Shutdown began while a request was partly received: input is still read until that request is
   * complete (kv and binary-tcp do the same), then the connection ends as shutdown() would have.
   * The server's drain deadline bounds the wait for a client that never finishes it.
   */
  #shutdownAfterPartial = false;

  /** A connection on a TCP socket: its events are routed to this connection. */
  static forSocket(socket: Socket, ctx: ChatConnectionContext, deps: ChatConnectionDeps): ChatConnection {
    socket.setNoDelay(true);
    const conn = new ChatConnection(socket, ctx, deps);
    // Shared listeners that find this connection through the socket: no closures per connection.
    routeSocketEvents(socket, conn, ['data', 'end', 'drain', 'close']);
    return conn;
  }

  /**
   * A connection on any transport; whoever made the transport calls `onData` (a byte stream) or
   * `onFrame` (one request per message), `onDrain` and `onClose`.
   */
  constructor(transport: ChatTransport, ctx: ChatConnectionContext, deps: ChatConnectionDeps) {
    this.id = ctx.id;
    this.address = ctx.remote;
    this.remotePort = transport.remotePort;
    this.#socket = transport;
    this.#ctx = ctx;
    this.#deps = deps;
    this.#decoder = createRequestDecoder(deps.limits, this);
    if (deps.debugLogs === true) this.#log.debug('connected');
  }

  /** Where this connection's request log lines go (its lazily built child logger). */
  get requestLog(): RequestLogTarget {
    return this.#ctx;
  }

  /** The connection's child logger (`conn`, `remote`), created when first needed. */
  get #log(): Logger {
    return this.#ctx.logger;
  }

  /** Socket input (called by the shared listener). */
  onData(chunk: Buffer): void {
    this.alive = true;
    if (this.#ending) return;
    const decoded = this.#decoded;
    try {
      this.#decoder.push(chunk);
    } catch (err) {
      // A bug below (the decoder is closed by now): drop this client, never the process.
      this.#log.error({ err }, 'request processing failed; closing');
      this.destroy();
    }
    // A request completed in this chunk means what is left started in it (its deadline starts now).
    this.#deps.partials.update(this, this.#decoder.buffered, this.#decoded !== decoded);
  }

  /**
   * Input of a message transport (a WebSocket text frame): the frame is one request, whole. Its size
   * was bounded by the transport (`maxPayload` = `--max-request-bytes`); depth, syntax and non-finite
   * numbers are checked as on the stream, and answered with the same errors.
   */
  onFrame(frame: Buffer): void {
    this.alive = true;
    if (this.#ending) return;
    let value: unknown;
    try {
      value = parseJsonPayload(frame, { maxDepth: this.#deps.limits.maxDepth });
    } catch (err) {
      if (err instanceof FramingError) this.onError(err);
      else {
        this.#log.error({ err }, 'request processing failed; closing');
        this.destroy();
      }
      return;
    }
    this.onMessage(value);
  }

  /**
   * The request being received took too long or the server's partial-request budget ran out: its
   * bytes are dropped, the error goes out after the replies already due, and the connection ends.
   */
  onPartialMessageError(error: FramingError): void {
    if (this.#ending) return;
    this.#log.info({ code: error.code }, 'unfinished request cut off; closing');
    this.#decoder.close();
    this.#onFramingError(error);
  }

  /** The client sent everything it will send: answer what is queued, then end our side. */
  onEnd(): void {
    this.#decoder.end();
    this.#beginEnd(this.#shutdownAfterPartial ? this.#deps.goodbye?.() : undefined);
  }

  /** The socket's output drained. */
  onDrain(): void {
    this.#wakeDrainWaiters();
    if (this.#pausedForOutput) {
      this.#pausedForOutput = false;
      this.#updateReading();
    }
  }

  /** The socket closed. */
  onClose(): void {
    this.#ending = true;
    this.#ended = true;
    this.#decoder.close();
    this.#deps.partials.release(this);
    this.#queue.length = 0;
    this.#wakeDrainWaiters();
    this.#deps.onClose?.(this);
  }

  #wakeDrainWaiters(): void {
    const waiters = this.#drainWaiters;
    if (waiters === undefined) return;
    this.#drainWaiters = undefined;
    for (const wake of waiters) wake();
  }

  /** Decoder sink: one decoded request. */
  onMessage(value: unknown): void {
    this.#decoded++;
    this.#enqueue(value);
    this.#partialDone();
  }

  /** Decoder sink: bad input. */
  onError(error: FramingError): void {
    this.#decoded++;
    this.#onFramingError(error);
    this.#partialDone();
  }

  /** Sends one encoded message unless the client's unread output would pass the cap. */
  send(buffer: Buffer): void {
    const socket = this.#socket;
    if (this.#ended || socket.destroyed || !socket.writable) return;
    if (socket.writableLength + buffer.length > this.#deps.limits.maxOutputBytes) {
      this.#log.warn(
        { queued: socket.writableLength, max: this.#deps.limits.maxOutputBytes },
        'output queue over the cap (client not reading); disconnecting',
      );
      this.#deps.metrics?.slowConsumer(socket);
      this.destroy();
      return;
    }
    socket.write(buffer);
    if (socket.writableNeedDrain && !this.#pausedForOutput) {
      // Stop reading requests from a client that is not reading its replies.
      this.#pausedForOutput = true;
      this.#updateReading();
    }
  }

  /**
   * Sends `messages` (broadcast-shaped, in this client's dialect) in order, as fast as the client
   * reads: whenever the socket asks for a drain (its buffer passed its high-water mark), it waits for
   * the drain before the next message, and it leaves the socket drained, so the live messages sent
   * after it start from an empty queue. For a resume replay, which may be larger than the cap. Stops
   * if the connection ends. (It waits on `writableNeedDrain`, not on a byte count of its own: 'drain'
   * comes only after a write the stream refused, and the high-water mark differs between Node
   * versions, 16 KiB before 22 and 64 KiB since.)
   */
  async sendPaced(messages: readonly JsonObject[]): Promise<void> {
    for (const message of messages) {
      if (!(await this.#drained())) return;
      this.#socket.write(encodeMessage(this.notification(message)));
    }
    await this.#drained();
  }

  /** Waits until the socket needs no drain; false when the connection ended meanwhile. */
  async #drained(): Promise<boolean> {
    const socket = this.#socket;
    while (socket.writableNeedDrain) {
      if (this.#ended || socket.destroyed) return false;
      await new Promise<void>((resolve) => {
        this.#drainWaiters ??= [];
        this.#drainWaiters.push(resolve);
      });
    }
    return !(this.#ended || socket.destroyed || !socket.writable);
  }

  /** Encodes and sends one message. */
  sendMessage(message: JsonObject): void {
    this.send(encodeMessage(message));
  }

  /** ChatPeer: say `finalMessage` (a broadcast-shaped notice), then end the connection. */
  close(finalMessage?: JsonObject): void {
    this.#beginEnd(finalMessage);
  }

  /** ConnectionHandle: finish queued requests (and one partly received), send the goodbye notice, end. */
  shutdown(): void {
    if (!this.#ending && this.#decoder.buffered > 0) {
      this.#shutdownAfterPartial = true;
      return;
    }
    this.#beginEnd(this.#deps.goodbye?.());
  }

  /** ConnectionHandle: drop the socket now. */
  destroy(): void {
    this.#ending = true;
    this.#ended = true;
    this.#socket.destroy();
  }

  /** Wraps a broadcast for this client's dialect. */
  notification(message: JsonObject): JsonObject {
    return this.jsonRpc ? { jsonrpc: '2.0', method: 'chat', params: message } : message;
  }

  /** After a request (or an error) was decoded: if shutdown was waiting for it, read no further and end. */
  #partialDone(): void {
    if (!this.#shutdownAfterPartial) return;
    this.#shutdownAfterPartial = false;
    this.#decoder.close();
    this.#beginEnd(this.#deps.goodbye?.());
  }

  #enqueue(message: unknown): void {
    if (this.#ending) return;
    if (!this.#busy && this.#queue.length === 0 && !this.#deps.router.isJsonRpc(message)) {
      const pending = this.#answerPlain(message);
      // A handler that answers later holds the line: what arrives meanwhile is queued behind it.
      if (pending !== undefined) void this.#drain(pending);
      return;
    }
    this.#queue.push(message);
    if (this.#queue.length >= MAX_QUEUED_MESSAGES && !this.#pausedForQueue) {
      this.#pausedForQueue = true;
      this.#updateReading();
    }
    if (!this.#busy) void this.#drain();
  }

  /**
   * Answers queued messages one at a time, so replies keep request order across both dialects;
   * `first` is a plain request already being answered.
   */
  async #drain(first?: Promise<void>): Promise<void> {
    this.#busy = true;
    try {
      if (first !== undefined) await first;
      while (this.#queue.length > 0 && !this.#ended) {
        const message = this.#queue.shift();
        if (message instanceof QueuedError) this.#sendError(message.error);
        else if (this.#deps.router.isJsonRpc(message)) await this.#answerJsonRpc(message);
        else await this.#answerPlain(message);
      }
    } catch (err) {
      this.#log.error({ err }, 'request processing failed; closing');
      this.destroy();
    } finally {
      this.#busy = false;
    }
    if (this.#pausedForQueue) {
      this.#pausedForQueue = false;
      this.#updateReading();
    }
    this.#maybeFinish();
  }

  /** Answers a plain request: now, or (a handler that answers later) with a promise of when it is done. */
  #answerPlain(message: unknown): Promise<void> | undefined {
    this.jsonRpc = false;
    const after: (() => void)[] = [];
    const recorder = this.#deps.recorder;
    const started = recorder === undefined ? 0 : recorder.start();
    const reply = this.#deps.router.handlePlain(message, this.#context(after));
    if (reply instanceof Promise)
      return reply.then((value) => {
        if (recorder !== undefined) this.#record(recorder, started, message, value);
        this.#sendReply(value);
        this.#runAfter(after);
      });
    if (recorder !== undefined) this.#record(recorder, started, message, reply);
    this.#sendReply(reply);
    this.#runAfter(after);
    return undefined;
  }

  /** A plain request's method, and its outcome: `ok`, or the reply's error code (string or number). */
  #record(recorder: RequestRecorder, started: number, message: unknown, reply: JsonObject): void {
    const request = typeof message === 'object' && message !== null ? (message as JsonObject) : {};
    const method = typeof request.method === 'string' ? request.method : '';
    const failed = reply.status === 'error' || 'error' in reply;
    const code = failed && reply.code !== undefined ? String(reply.code) : 'ok';
    recorder.finish(started, method, code, request.id, this.#ctx);
  }

  async #answerJsonRpc(message: unknown): Promise<void> {
    this.jsonRpc = true;
    const after: (() => void)[] = [];
    const reply = await this.#deps.router.handleJsonRpc(message, this.#context(after));
    if (reply !== undefined) this.#sendReply(reply);
    this.#runAfter(after);
  }

  /** Sends a reply; one that cannot be serialised (a handler bug) becomes an Internal error. */
  #sendReply(reply: unknown): void {
    let encoded: Buffer;
    try {
      encoded = encodeMessage(reply);
    } catch (err) {
      this.#log.error({ err }, 'reply could not be serialised');
      this.#sendError(rpcError(JsonRpcErrorCode.INTERNAL_ERROR));
      return;
    }
    this.send(encoded);
    this.#deps.metrics?.sent('reply');
  }

  /** Runs the afterReply callbacks; a failing one is logged and does not stop the others. */
  #runAfter(after: (() => void)[]): void {
    for (const fn of after) {
      try {
        fn();
      } catch (err) {
        this.#log.error({ err }, 'afterReply callback failed');
      }
    }
  }

  #context(after: (() => void)[]): ChatCallContext {
    return { peer: this, afterReply: (fn) => after.push(fn) };
  }

  #onFramingError(error: FramingError): void {
    const excerpt = error.excerpt ?? '';
    if (error.code === FramingErrorCode.TRUNCATED) {
      this.#log.debug({ input: truncateForLog(excerpt) }, 'connection ended inside a request');
      return;
    }
    if (error.code === FramingErrorCode.INVALID_JSON && looksLikeHttpRequest(excerpt)) {
      this.#log.info({ input: truncateForLog(excerpt) }, 'HTTP request on the chat port; closing');
      this.#sendError(
        rpcError(JsonRpcErrorCode.INVALID_REQUEST, 'this is a JSON chat server, not an HTTP server'),
      );
      this.#decoder.close();
      this.#beginEnd(undefined);
      return;
    }
    this.#log.debug({ code: error.code, input: truncateForLog(excerpt) }, 'bad input');
    // Errors are queued like replies so they arrive in order with the replies to earlier requests.
    this.#enqueueError(framingErrorReply(error, this.#deps.limits));
    if (error.fatal) {
      this.#deps.metrics?.closeReason(this.#socket, 'protocol_error');
      this.#decoder.close();
      this.#beginEnd(undefined);
    }
  }

  #enqueueError(err: ProtocolError<number>): void {
    if (this.#busy || this.#queue.length > 0) {
      this.#queue.push(new QueuedError(err));
      return;
    }
    this.#sendError(err);
  }

  #sendError(err: ProtocolError<number>): void {
    const metrics = this.#deps.metrics;
    if (metrics !== undefined) {
      metrics.error(String(err.code));
      metrics.sent('error');
    }
    this.sendMessage(unboundError(err, this.jsonRpc));
  }

  #beginEnd(finalMessage: JsonObject | undefined): void {
    if (this.#ended) return;
    if (finalMessage !== undefined && this.#finalMessage === undefined) this.#finalMessage = finalMessage;
    if (!this.#ending) {
      this.#ending = true;
      this.#socket.pause();
      // A peer that never reads must not keep the socket open for ever.
      setTimeout(() => this.destroy(), this.#deps.limits.lingerMs).unref();
    }
    this.#maybeFinish();
  }

  #maybeFinish(): void {
    if (!this.#ending || this.#ended || this.#busy || this.#queue.length > 0) return;
    this.#ended = true;
    if (this.#finalMessage !== undefined) {
      const socket = this.#socket;
      if (!socket.destroyed && socket.writable)
        socket.write(encodeMessage(this.notification(this.#finalMessage)));
    }
    this.#socket.end();
  }

  #updateReading(): void {
    if (this.#ending) return;
    if (this.#pausedForOutput || this.#pausedForQueue) this.#socket.pause();
    else this.#socket.resume();
  }
}

/** A protocol error waiting in the queue behind earlier requests. */
class QueuedError {
  constructor(readonly error: ProtocolError<number>) {}
}
