/**
 * One client socket: bytes -> frames -> handlers -> batched reply write. Owns backpressure (stops
 * reading while its own replies are not drained), the output-queue cap (a client that never reads is
 * cut off), heartbeat state, and graceful shutdown.
 */
import type { Socket } from 'node:net';
import { TcpErrorCode } from '@sockworks/error-codes';
import {
  FramingError,
  type LengthPrefixedDecoder,
  type PartialMessageGuard,
  type PartialMessageHolder,
} from '@sockworks/framing';
import { type Logger, truncateForLog } from '@sockworks/logging';
import type { RequestRecorder, ServiceMetrics } from '@sockworks/metrics';
import { routeSocketEvents, socketEventListeners } from '@sockworks/service';
import { createFrameDecoder, encodeFrame, type FrameSink, parsePayload } from '../protocol/frame.js';
import { isFrame } from '../protocol/messages.js';
import { closesConnection, tcpCodeForFramingError } from './codec.js';
import { FrameBatch } from './frame-batch.js';
import type { FrameHandler, HandlerPeer, HandlerServer } from './handlers.js';
import { errorJson, heartbeatJson, replyCodeOf, replyTypeOf } from './replies.js';

/** The server options a connection reads. */
export interface TcpConnectionLimits {
  maxFrameBytes: number;
  maxOutputQueueBytes: number;
  maxDepth: number;
  /** How long a peer may keep its side open after the server ended the connection. */
  halfCloseTimeoutMs: number;
}

/** The server as a connection sees it. */
export interface ConnectionHost extends HandlerServer {
  /** The limits a connection enforces (see TCP_SERVER_DEFAULTS). */
  readonly options: Readonly<TcpConnectionLimits>;
  /** The business layer. */
  readonly handleFrame: FrameHandler;
  /** Whether debug logs are on (checked without creating a per-connection logger). */
  readonly debugLogs: boolean;
  /** The server's bound on unfinished frames (deadline from the first byte, total budget). */
  readonly partials: PartialMessageGuard<TcpConnection>;
  /** Ends the current fan-out: sends what broadcasts queued for other clients. */
  flushFanOut(): void;
  /** Times, counts and logs each frame when metrics or request logs are on. */
  readonly recorder: RequestRecorder | undefined;
  /** Counts framing errors, slow readers and heartbeats when metrics are on. */
  readonly metrics: ServiceMetrics | undefined;
}

/** Replies are written out mid-chunk once about this many bytes are batched, to bound the batch. */
const FLUSH_THRESHOLD = 64 * 1024;

/** Why a connection was ended by the server, for logs and statistics. */
export type DropReason = 'slow-reader' | 'heartbeat';

/** One client connection; the server creates it for each accepted socket (see the module comment). */
export class TcpConnection implements HandlerPeer, FrameSink, PartialMessageHolder {
  /** `"host:port"` of the client as the server sees it. */
  readonly clientId: string;
  /** Wall-clock ms of the last bytes received (or of the connect). */
  lastActivityMs: number;
  /** Wall-clock ms the unanswered heartbeat was sent, 0 when none is outstanding. */
  heartbeatSentMs = 0;
  /** Set once the connection is closed; its socket is gone. */
  closed = false;

  readonly #socket: Socket;
  readonly #host: ConnectionHost;
  readonly #decoder: LengthPrefixedDecoder;
  /** The replies to the chunk being processed (see FrameBatch). */
  readonly #batch = new FrameBatch();
  /** Holds the per-connection child logger, created on first use (see `logger`). */
  readonly #ctx: { readonly logger: Logger };
  /** No more input is processed (framing lost, or shut down). */
  #stopped = false;
  /** Shutting down: end once the frame being received is complete. */
  #draining = false;
  #corked = false;
  /** Destroys the socket if the peer has not closed its side in time after the server ended it. */
  #halfCloseTimer: NodeJS.Timeout | undefined;

  constructor(
    socket: Socket,
    readonly id: number,
    clientId: string,
    host: ConnectionHost,
    ctx: { readonly logger: Logger },
  ) {
    this.#socket = socket;
    this.#host = host;
    this.#ctx = ctx;
    this.clientId = clientId;
    this.lastActivityMs = host.clock.now();
    this.#decoder = createFrameDecoder(this);
    socket.setNoDelay(true);
    // Shared listeners that find this connection through the socket: no closures per connection.
    routeSocketEvents(socket, this, ['error', 'close', 'data']);
    if (host.debugLogs) this.logger.debug('connected');
  }

  /** Bytes written to the socket and not yet taken by the kernel. */
  get queuedBytes(): number {
    return this.#socket.writableLength;
  }

  /** Input: decode every frame in the chunk, answer each, and write all replies at once. */
  onData(chunk: Buffer): void {
    if (this.#stopped) return;
    const host = this.#host;
    this.lastActivityMs = host.clock.now();
    this.heartbeatSentMs = 0;
    const decoded = host.stats.totalMessages;
    try {
      this.#decoder.push(chunk);
      // A frame completed in this chunk means what is left started in it (its deadline starts now).
      if (!this.#stopped) {
        host.partials.update(this, this.#decoder.buffered, host.stats.totalMessages !== decoded);
      }
    } catch (err) {
      // Handlers never throw (errors become error frames); this is a bug, and must not escape the event.
      this.logger.error({ err }, 'input processing failed; closing connection');
      this.#batch.clear();
      this.destroy();
    }
    this.#flushReplies();
    host.flushFanOut();
    if (this.#draining && !this.#stopped && this.#decoder.buffered === 0) this.#stop();
  }

  /** The child logger carrying `conn` and `remote`; built on first use, so idle connections have none. */
  get logger(): Logger {
    return this.#ctx.logger;
  }

  /** Frame size limit, read by the decoder. */
  get maxFrameBytes(): number {
    return this.#host.options.maxFrameBytes;
  }

  /** Decoder callback: one complete frame payload. */
  onMessage(payload: Buffer): void {
    if (this.#stopped) return;
    const host = this.#host;
    host.stats.totalMessages++;
    const recorder = host.recorder;
    const started = recorder === undefined ? 0 : recorder.start();
    let reply: string | null;
    let value: unknown;
    try {
      value = parsePayload(payload, host.options.maxDepth);
      reply = host.handleFrame(value, this, host);
    } catch (err) {
      reply = this.#errorForPayload(err);
    }
    if (recorder !== undefined) this.#record(recorder, started, value, reply);
    if (reply === null) return;
    const batch = this.#batch;
    batch.push(reply);
    if (batch.length >= FLUSH_THRESHOLD) this.#flushReplies();
  }

  /** The frame's type is its method; the reply's error code, if any, its outcome. */
  #record(recorder: RequestRecorder, started: number, value: unknown, reply: string | null): void {
    const method = isFrame(value) ? value.type : '';
    recorder.finish(started, method, reply === null ? 'ok' : replyCodeOf(reply), null, this);
    if (reply !== null) recorder.metrics?.sent(replyTypeOf(reply));
  }

  #errorForPayload(err: unknown): string {
    if (FramingError.is(err)) {
      const { code, message } = tcpCodeForFramingError(err);
      return errorJson(code, message, this.#host.clock.iso());
    }
    this.logger.error({ err }, 'handler failed');
    return errorJson(TcpErrorCode.INTERNAL_ERROR, 'Internal server error', this.#host.clock.iso());
  }

  /** Decoder callback: an oversize or empty frame (fatal), never a JSON error. */
  onError(error: FramingError): void {
    const { code, message } = tcpCodeForFramingError(error);
    this.#batch.push(errorJson(code, message, this.#host.clock.iso()));
    const metrics = this.#host.metrics;
    if (metrics !== undefined) {
      metrics.error(code);
      metrics.sent('error');
      if (closesConnection(error)) metrics.closeReason(this.#socket, 'protocol_error');
    }
    if (!closesConnection(error)) return;
    const input = error.excerpt === undefined ? undefined : truncateForLog(error.excerpt);
    this.logger.info({ code, input }, 'framing lost: closing connection');
    this.#flushReplies();
    this.#stop();
  }

  /**
   * The frame being received took too long or the server's partial-frame budget ran out: its bytes
   * are dropped, the error goes out after the replies already batched, and the connection ends.
   */
  onPartialMessageError(error: FramingError): void {
    if (this.#stopped || this.closed) return;
    this.#decoder.close();
    this.onError(error);
  }

  /** Writes the batched replies of this connection in one write. */
  #flushReplies(): void {
    const batch = this.#batch;
    if (batch.length === 0) return;
    const socket = this.#socket;
    if (this.closed || socket.destroyed) {
      batch.clear();
      return;
    }
    if (socket.writableLength > this.#host.options.maxOutputQueueBytes) {
      batch.clear();
      this.drop('slow-reader');
      return;
    }
    if (!socket.write(batch.take()) && !socket.isPaused()) {
      // The client is not keeping up with its own replies: stop reading its requests until it does.
      socket.pause();
      socket.once('drain', socketEventListeners.drain);
    }
  }

  /** Resumes reading once the replies have drained. */
  onDrain(): void {
    if (!this.#stopped && !this.closed) this.#socket.resume();
  }

  /**
   * Queues a shared broadcast frame. Returns false (and disconnects the client) when its queue is past
   * the cap: a client that does not read must not grow server memory.
   */
  sendShared(frame: Buffer): boolean {
    const socket = this.#socket;
    if (this.closed || this.#stopped || socket.destroyed) return false;
    if (socket.writableLength > this.#host.options.maxOutputQueueBytes) {
      this.drop('slow-reader');
      return false;
    }
    if (!this.#corked) {
      this.#corked = true;
      socket.cork();
    }
    socket.write(frame);
    return true;
  }

  /** Sends what sendShared() queued; called once per fan-out. */
  uncork(): void {
    if (!this.#corked) return;
    this.#corked = false;
    this.#socket.uncork();
  }

  /** Sends a server-initiated heartbeat frame. */
  sendHeartbeat(nowMs: number): void {
    if (this.closed || this.#stopped || this.#socket.destroyed) return;
    this.heartbeatSentMs = nowMs;
    this.#socket.write(encodeFrame(heartbeatJson(this.#host.clock.iso())));
    this.#host.metrics?.sent('heartbeat');
  }

  /** Graceful: a frame already partly received is completed and answered, then the socket ends. */
  shutdown(): void {
    if (this.closed || this.#stopped) return;
    this.#draining = true;
    if (this.#decoder.buffered === 0) this.#stop();
  }

  /** Forceful close. */
  destroy(): void {
    this.#stopped = true;
    this.#host.partials.release(this);
    this.#socket.destroy();
  }

  /** Disconnects the client for a server-side reason. */
  drop(reason: DropReason): void {
    if (this.closed) return;
    this.logger.warn({ reason, queued: this.#socket.writableLength }, 'disconnecting client');
    const metrics = this.#host.metrics;
    if (reason === 'slow-reader') {
      this.#host.stats.slowClientsDropped++;
      metrics?.slowConsumer(this.#socket);
    } else if (reason === 'heartbeat') {
      this.#host.stats.deadClientsDropped++;
      metrics?.closeReason(this.#socket, 'timeout');
    }
    this.destroy();
  }

  /** Stops processing input and ends the socket once queued output is written. */
  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    // No more input is decoded: what a partial frame held is dropped and no longer counted.
    this.#decoder.close();
    this.#host.partials.release(this);
    const socket = this.#socket;
    socket.end();
    // Input after the end is not read; resume so a paused socket still sees the peer's FIN, and do
    // not let a peer that never closes its side hold the connection open. A plain timer, not
    // socket.setTimeout(): that one is an idle timer, and a peer that keeps sending would reset it.
    socket.resume();
    this.#halfCloseTimer = setTimeout(() => socket.destroy(), this.#host.options.halfCloseTimeoutMs);
  }

  onSocketError(err: Error): void {
    const code = (err as NodeJS.ErrnoException).code;
    // Resets and broken pipes are how clients usually leave; they are not server errors.
    if (code === 'ECONNRESET' || code === 'EPIPE') {
      if (this.#host.debugLogs) this.logger.debug({ code }, 'socket closed by peer');
    } else {
      this.logger.warn({ err }, 'socket error');
    }
  }

  onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.#stopped = true;
    this.#host.partials.release(this);
    clearTimeout(this.#halfCloseTimer);
    if (this.#host.debugLogs) this.logger.debug('disconnected');
  }
}
