import type { Socket } from 'node:net';
import { KvErrorCode } from '@sockworks/error-codes';
import {
  FramingError,
  forwardEvents,
  type NdjsonDecoder,
  type PartialMessageGuard,
  type PartialMessageHolder,
} from '@sockworks/framing';
import type { LazyConnectionLogger } from '@sockworks/logging';
import type { ServiceMetrics } from '@sockworks/metrics';
import { type ConnectionHandle, destroySocketAfter, routeSocketEvents } from '@sockworks/service';
import { peekRequestId } from '../protocol/messages.js';
import { createRequestDecoder } from './codec.js';
import { framingReply } from './framing-reply.js';
import type { RequestHandler } from './request-handler.js';

/** Per-connection settings (from the server options). */
export interface KvConnectionOptions {
  maxLineBytes: number;
  maxDepth: number;
  /** Stop processing queued requests (and reading) once this many reply bytes wait to be written. */
  outputHighWaterMark: number;
  /**
   * Disconnect a client whose replies have waited for 'drain' (above the high-water mark) this long
   * without the socket draining; 0: never.
   */
  outputStallTimeoutMs: number;
}

/** What a connection shares with its server. */
export interface KvConnectionDeps {
  handler: RequestHandler;
  /** Called before replies are written (the data file's flush), so acknowledged means journaled. */
  beforeReply: () => void;
  /** The server's bound on unfinished request lines (deadline from the first byte, total budget). */
  partials: PartialMessageGuard<KvConnection>;
  /** The connection's logger, used only when a line is actually written. */
  log: LazyConnectionLogger;
  /** Counts framing errors and slow consumers when metrics are on. */
  metrics?: ServiceMetrics | undefined;
}

type ConnectionState = 'open' | 'draining' | 'closing' | 'ended';

const NEWLINE = Buffer.from('\n');

/** How long an ended connection may stay half-open (peer not closing) before it is destroyed. */
const LINGER_MS = 2000;

/**
 * One client socket: bytes -> decoder -> queue of requests -> handler -> one write per batch.
 * Requests are processed in order; while replies wait in the socket's buffer above the high-water mark,
 * processing stops and reading is paused until 'drain', so a client that does not read cannot make the
 * server buffer without bound.
 */
export class KvConnection implements ConnectionHandle, PartialMessageHolder {
  readonly #socket: Socket;
  readonly #decoder: NdjsonDecoder;
  readonly #deps: KvConnectionDeps;
  readonly #log: LazyConnectionLogger;
  readonly #hwm: number;
  readonly #stallMs: number;
  /** Decoded messages and framing errors, in stream order; `#head` is the next to process. */
  #queue: unknown[] = [];
  #head = 0;
  #state: ConnectionState = 'open';
  #inputEnded = false;
  #waitingDrain = false;
  #stallTimer: NodeJS.Timeout | undefined;
  #scheduled = false;
  /** While closing: requests still answered normally (the ones in flight when shutdown began). */
  #allowance = 0;
  /** A request waits for a shared store (Redis); processing resumes once its reply is written. */
  #awaiting = false;

  constructor(socket: Socket, deps: KvConnectionDeps, options: KvConnectionOptions) {
    this.#socket = socket;
    this.#deps = deps;
    this.#log = deps.log;
    this.#hwm = options.outputHighWaterMark;
    this.#stallMs = options.outputStallTimeoutMs;
    this.#decoder = createRequestDecoder(
      forwardEvents({ maxLineBytes: options.maxLineBytes, maxDepth: options.maxDepth }, this),
    );
    // Shared listeners that find this connection through the socket: no closures per connection.
    routeSocketEvents(socket, this, ['data', 'end', 'drain', 'error', 'close']);
    if (this.#log.enabled('info')) this.#log.logger.info('client connected');
  }

  /** Bytes of replies waiting in the socket's write buffer. */
  get pendingOutputBytes(): number {
    return this.#socket.writableLength;
  }

  /** Requests decoded but not answered yet. */
  get queuedRequests(): number {
    return this.#queue.length - this.#head;
  }

  /** True while reading is paused for backpressure. */
  get readingPaused(): boolean {
    return this.#socket.isPaused();
  }

  /**
   * Graceful close: requests already received (and a line partly received) are answered; anything
   * after them gets SHUTTING_DOWN; then the socket is ended. The check is deferred one turn so bytes
   * that arrived together with the signal are counted as received.
   */
  shutdown(): void {
    if (this.#state !== 'open') return;
    this.#state = 'draining';
    setImmediate(() => {
      if (this.#state !== 'draining') return;
      this.#state = 'closing';
      this.#allowance = this.queuedRequests + (this.#decoder.buffered > 0 ? 1 : 0);
      this.#process();
    });
  }

  /** Drops the socket at once. */
  destroy(): void {
    this.#state = 'ended';
    this.#clearStallTimer();
    this.#dropDecoder();
    this.#socket.destroy();
  }

  /**
   * The line being received took too long or the server's partial-line budget ran out: the partial
   * bytes are dropped now, and the error is answered in order after the requests before it, then the
   * connection closes (a client paused for not reading its replies is left to the stall timer).
   */
  onPartialMessageError(error: FramingError): void {
    if (this.#state === 'ended') return;
    this.#log.logger.warn({ code: error.code }, 'unfinished request line cut off; closing');
    this.#dropDecoder();
    this.#queue.push(error);
    this.#process();
  }

  #dropDecoder(): void {
    this.#decoder.close();
    this.#deps.partials.release(this);
  }

  /** Decoder sink: one request, queued in stream order. */
  onMessage(message: unknown): void {
    this.#queue.push(message);
  }

  /** Decoder sink: a framing error, queued in stream order (it is answered like a request). */
  onError(error: FramingError): void {
    this.#queue.push(error);
  }

  /** The socket failed (a 'close' follows). */
  onSocketError(err: Error): void {
    if (this.#log.enabled('debug')) this.#log.logger.debug({ err }, 'socket error');
  }

  /** The socket closed. */
  onClose(): void {
    this.#clearStallTimer();
    this.#deps.partials.release(this);
    if (this.#log.enabled('info')) this.#log.logger.info('client disconnected');
  }

  /** Socket input (called by the shared listener). */
  onData(chunk: Buffer): void {
    if (this.#state === 'ended') return;
    const queued = this.#queue.length;
    this.#decoder.push(chunk);
    // A request completed in this chunk means what is left started in it (its deadline starts now).
    if (!this.#deps.partials.update(this, this.#decoder.buffered, this.#queue.length !== queued)) return;
    this.#process();
  }

  /** The client ended its side. */
  onEnd(): void {
    if (this.#state === 'ended') return;
    this.#inputEnded = true;
    // A last request without its newline is still a request (`printf '{...}' | nc -U` works).
    if (this.#decoder.buffered > 0) this.#decoder.push(NEWLINE);
    this.#dropDecoder();
    this.#process();
  }

  /** The socket's output drained. */
  onDrain(): void {
    this.#waitingDrain = false;
    this.#clearStallTimer();
    this.#process();
  }

  /**
   * Pausing bounds what a client that does not read costs (one high-water mark of replies plus the
   * batch in progress), but it would hold that memory and its connection slot forever: a socket that
   * has not drained within the stall timeout is dropped (RELIABILITY row 7). Armed only while
   * waiting for 'drain', so the common path costs nothing.
   */
  #armStallTimer(): void {
    if (this.#stallMs <= 0 || this.#stallTimer !== undefined) return;
    this.#stallTimer = setTimeout(() => {
      this.#stallTimer = undefined;
      if (!this.#waitingDrain || this.#state === 'ended') return;
      this.#log.logger.warn(
        { pendingOutputBytes: this.#socket.writableLength, stallTimeoutMs: this.#stallMs },
        'client has not read its replies within the stall timeout; disconnecting',
      );
      this.#deps.metrics?.slowConsumer(this.#socket);
      this.destroy();
    }, this.#stallMs);
    this.#stallTimer.unref();
  }

  #clearStallTimer(): void {
    if (this.#stallTimer === undefined) return;
    clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
  }

  /**
   * Answers queued requests until the queue is empty or the output buffer is full; one write. A
   * request that waits for a shared store (its reply is a Promise) ends the pass: the replies before it
   * are written, and the next request is started only once its reply is, so a connection's requests
   * run in order, as in process (a `retrieve` pipelined after a `store` sees it). Reading pauses
   * meanwhile, so the queue cannot grow while Redis is slow. Other connections' requests go to Redis
   * together (node-redis pipelines what is sent in one tick).
   */
  #process(): void {
    if (this.#waitingDrain || this.#awaiting || this.#state === 'ended') return;
    const socket = this.#socket;
    const queue = this.#queue;
    const base = socket.writableLength;
    const handler = this.#deps.handler;
    // One clock read for the replies answered in this pass, not one per request.
    const timestamp = this.#head < queue.length ? handler.timestamp() : '';
    let out = '';
    let pending: Promise<string> | undefined;
    let close = false;
    while (this.#head < queue.length) {
      const item = queue[this.#head];
      queue[this.#head++] = undefined;
      if (item instanceof FramingError) {
        if (this.#state === 'closing' && this.#allowance > 0) this.#allowance--;
        const reply = framingReply(item, handler, this.#log);
        out += reply.line;
        const metrics = this.#deps.metrics;
        if (metrics !== undefined) {
          metrics.error(reply.code);
          metrics.sent('error');
          if (reply.close) metrics.closeReason(this.#socket, 'protocol_error');
        }
        if (reply.close) {
          close = true;
          break;
        }
      } else if (this.#state === 'closing' && this.#allowance === 0) {
        out += handler.error(
          KvErrorCode.SHUTTING_DOWN,
          'Server is shutting down',
          peekRequestId(item),
          timestamp,
        );
      } else {
        if (this.#state === 'closing') this.#allowance--;
        const reply = handler.handle(item, this.#log, timestamp);
        if (typeof reply !== 'string') {
          pending = reply;
          break;
        }
        out += reply;
      }
      if (base + out.length >= this.#hwm) break;
    }
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    }
    if (pending !== undefined) {
      // A full socket buffer is fine here: the reply is awaited either way, and 'drain' resumes.
      if (out.length > 0) this.#write(out);
      this.#awaitReply(pending);
      return;
    }
    if (close) {
      this.#finish(out);
      return;
    }
    if (out.length > 0 && !this.#write(out)) return;
    this.#continue();
  }

  /** After a pass whose replies are written: go on with the queue, resume reading, or close. */
  #continue(): void {
    const socket = this.#socket;
    if (this.queuedRequests > 0) {
      // Stopped at the high-water mark but the socket took it all: yield to other clients, then go on.
      socket.pause();
      this.#schedule();
      return;
    }
    const doneClosing = this.#state === 'closing' && this.#allowance === 0;
    if (this.#inputEnded || doneClosing) {
      this.#finish('');
      return;
    }
    if (socket.isPaused()) socket.resume();
  }

  /** Waits for one reply (the Promise never rejects), writes it, and goes on with the queue. */
  #awaitReply(reply: Promise<string>): void {
    this.#awaiting = true;
    this.#socket.pause();
    reply
      .then((line) => {
        this.#awaiting = false;
        if (this.#state === 'ended' || !this.#write(line)) return;
        // Straight on (this is already a later turn): the next pipelined request of this client.
        if (this.queuedRequests > 0 && !this.#waitingDrain) this.#process();
        else this.#continue();
      })
      .catch((err: unknown) => {
        // Unreachable (RequestHandler's Promises resolve with error replies); never a stuck connection.
        this.#log.logger.error({ err }, 'awaiting a reply failed; dropping the connection');
        this.destroy();
      });
  }

  #write(out: string): boolean {
    try {
      this.#deps.beforeReply();
    } catch (err) {
      // The journal could not be written: these replies must not claim success.
      this.#log.logger.error({ err }, 'data file write failed; dropping the connection without replying');
      this.destroy();
      return false;
    }
    if (this.#socket.write(out)) return true;
    this.#waitingDrain = true;
    this.#socket.pause();
    this.#armStallTimer();
    return false;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#process();
    });
  }

  /** Writes the last replies and ends the socket; further input is ignored. */
  #finish(out: string): void {
    if (out.length > 0) {
      try {
        this.#deps.beforeReply();
      } catch (err) {
        this.#log.logger.error({ err }, 'data file write failed; dropping the connection without replying');
        this.destroy();
        return;
      }
    }
    this.#state = 'ended';
    this.#dropDecoder();
    this.#queue = [];
    this.#head = 0;
    if (out.length > 0) this.#socket.end(out);
    else this.#socket.end();
    // Keep draining input so a peer still writing cannot stall our FIN behind a full window, but do
    // not let a peer that never closes its side hold the connection slot.
    this.#socket.resume();
    destroySocketAfter(this.#socket, LINGER_MS);
  }
}
