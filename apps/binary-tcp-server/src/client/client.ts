/**
 * TcpClient: one connection to a binary TCP server. Requests are answered in order, so replies are
 * matched to requests first-in first-out; broadcasts and heartbeats are not replies and arrive as
 * events. Optionally reconnects with exponential backoff and jitter.
 */
import { EventEmitter } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { FramingError } from '@sockworks/framing';
import type { Logger } from '@sockworks/logging';
import { silentLogger } from '@sockworks/logging';
import { BACKOFF_DEFAULTS, type BackoffOptions, backoffDelay } from '@sockworks/service';
import { createFrameDecoder, encodeFrame, parsePayload } from '../protocol/frame.js';
import {
  type BroadcastFrame,
  type BroadcastSent,
  type EchoResponse,
  type ErrorFrame,
  type Frame,
  isFrame,
  type MessageReceived,
  type PongReply,
  RequestType,
  type ServerStats,
} from '../protocol/messages.js';
import {
  connectFailed,
  connectionClosed,
  requestTimeout,
  responseTooLarge,
  TcpRequestError,
} from './client-errors.js';
import { TCP_CLIENT_DEFAULTS, type TcpClientEvents, type TcpClientOptions } from './client-options.js';
import { PendingRequests } from './pending-requests.js';

type State = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A client of the binary TCP protocol. */
export class TcpClient extends EventEmitter<TcpClientEvents> {
  readonly host: string;
  readonly port: number;
  readonly #opts: Required<Omit<TcpClientOptions, 'reconnect' | 'logger'>>;
  readonly #backoff: BackoffOptions | null;
  readonly #logger: Logger;
  #socket: Socket | null = null;
  readonly #pending: PendingRequests;
  #state: State = 'idle';
  #attempt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;

  constructor(options: TcpClientOptions = {}) {
    super();
    this.#opts = {
      host: options.host ?? TCP_CLIENT_DEFAULTS.host,
      port: options.port ?? TCP_CLIENT_DEFAULTS.port,
      maxFrameBytes: options.maxFrameBytes ?? TCP_CLIENT_DEFAULTS.maxFrameBytes,
      requestTimeoutMs: options.requestTimeoutMs ?? TCP_CLIENT_DEFAULTS.requestTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? TCP_CLIENT_DEFAULTS.connectTimeoutMs,
      clientInfo: options.clientInfo ?? TCP_CLIENT_DEFAULTS.clientInfo,
    };
    this.host = this.#opts.host;
    this.port = this.#opts.port;
    const r = options.reconnect ?? false;
    this.#backoff = r === false ? null : { ...BACKOFF_DEFAULTS, ...(r === true ? {} : r) };
    this.#logger = options.logger ?? silentLogger();
    const timeoutMs = this.#opts.requestTimeoutMs;
    this.#pending = new PendingRequests(timeoutMs, () => {
      // Order is all that matches replies to requests; after a lost reply it cannot be trusted again.
      this.#pending.rejectAll(requestTimeout(timeoutMs));
      this.#socket?.destroy();
    });
  }

  /** True while the connection is open. */
  get connected(): boolean {
    return this.#state === 'open';
  }

  /** Requests sent and not answered yet. */
  get inFlight(): number {
    return this.#pending.length;
  }

  /**
   * Opens the connection; rejects with CONNECT_FAILED if the first attempt fails (reconnection covers
   * later drops only).
   */
  async connect(): Promise<void> {
    if (this.#state === 'open') return;
    if (this.#state === 'closed') this.#state = 'idle';
    this.#state = 'connecting';
    try {
      await this.#open();
    } catch (err) {
      this.#state = 'idle';
      throw err;
    }
  }

  /** Sends a ping; resolves with the round-trip time in milliseconds. */
  async ping(): Promise<number> {
    const started = performance.now();
    await this.pingFrame();
    return performance.now() - started;
  }

  /** Sends a ping; resolves with the pong frame. */
  pingFrame(): Promise<PongReply> {
    return this.request<PongReply>({
      type: 'ping',
      timestamp: new Date().toISOString(),
      client_info: this.#opts.clientInfo,
    });
  }

  /** Asks the server to echo `content` (any JSON value). */
  echo(content: unknown): Promise<EchoResponse> {
    return this.request<EchoResponse>({ type: 'echo', content, timestamp: new Date().toISOString() });
  }

  /** Sends `content` to every other client; resolves with how many received it. */
  broadcast(content: unknown): Promise<BroadcastSent> {
    return this.request<BroadcastSent>({ type: 'broadcast', content, timestamp: new Date().toISOString() });
  }

  /** Fetches the server's statistics. */
  getServerStats(): Promise<ServerStats> {
    return this.request<ServerStats>({ type: 'get_stats', timestamp: new Date().toISOString() });
  }

  /** Sends plain text as a `message`; the server acknowledges it with `message_received`. */
  sendMessage(content: string): Promise<MessageReceived> {
    return this.request<MessageReceived>({ type: 'message', content, timestamp: new Date().toISOString() });
  }

  /**
   * Sends a frame of any `type`: the fields of `data` (an object) are merged into it, so
   * `sendCustomMessage('echo', { content: 'x' })` is an echo. Resolves with the server's reply;
   * a type the server does not know fails with code UNKNOWN_MESSAGE_TYPE. `heartbeat_ack` is the one
   * request the server never answers: it resolves with the frame sent once it is written.
   */
  sendCustomMessage(type: string, data: Record<string, unknown> = {}): Promise<Frame> {
    return this.request({ ...data, type, timestamp: new Date().toISOString() });
  }

  /**
   * Sends one frame and resolves with the next reply in order. An `error` reply rejects with a
   * TcpRequestError carrying the server's code.
   */
  request<T = Frame>(frame: Frame): Promise<T> {
    return this.#send(frame) as Promise<unknown> as Promise<T>;
  }

  #send(frame: Frame): Promise<Frame> {
    const socket = this.#socket;
    if (this.#state !== 'open' || socket === null) return Promise.reject(connectionClosed());
    let bytes: Buffer;
    try {
      bytes = encodeFrame(JSON.stringify(frame));
    } catch (err) {
      return Promise.reject(err);
    }
    if (frame.type === RequestType.HEARTBEAT_ACK) {
      // No reply will come: waiting for one would take the next request's reply, or time out.
      return new Promise<Frame>((resolve, reject) => {
        socket.write(bytes, (err) => (err ? reject(connectionClosed(err.message)) : resolve(frame)));
      });
    }
    return new Promise<Frame>((resolve, reject) => {
      this.#pending.push(resolve, reject);
      socket.write(bytes);
    });
  }

  /** Closes the connection (no reconnection); pending requests fail with CONNECTION_CLOSED. */
  async disconnect(): Promise<void> {
    this.#state = 'closed';
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const socket = this.#socket;
    if (socket === null || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      // A server that never answers our FIN must not keep disconnect() waiting.
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  /** Same as disconnect(). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.disconnect();
  }

  #open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = netConnect({ host: this.#opts.host, port: this.#opts.port });
      socket.setNoDelay(true);
      const timer = setTimeout(
        () => socket.destroy(new Error('connect timeout')),
        this.#opts.connectTimeoutMs,
      );
      let settled = false;
      socket.once('connect', () => {
        settled = true;
        clearTimeout(timer);
        this.#attach(socket);
        resolve();
      });
      socket.on('error', (err) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          reject(connectFailed(this.#opts.host, this.#opts.port, err));
          return;
        }
        this.#logger.debug({ err }, 'socket error');
      });
    });
  }

  #attach(socket: Socket): void {
    this.#socket = socket;
    this.#state = 'open';
    const decoder = createFrameDecoder({
      maxFrameBytes: this.#opts.maxFrameBytes,
      onMessage: (payload) => this.#onFrame(payload),
      onError: (error: FramingError) => {
        this.#logger.warn({ code: error.code }, 'bad frame from server; closing');
        // Framing is lost: fail what is pending with the reason before the close does it generically.
        this.#pending.rejectAll(
          error.code === 'FRAME_TOO_LARGE'
            ? responseTooLarge(error.message)
            : connectionClosed(error.message),
        );
        socket.destroy();
      },
    });
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.once('close', () => this.#onClose(socket));
    this.emit('connect');
  }

  #onFrame(payload: Buffer): void {
    let value: unknown;
    try {
      value = parsePayload(payload, 256);
    } catch (err) {
      this.#logger.warn({ err }, 'unparsable frame from server');
      this.#socket?.destroy(err as Error);
      return;
    }
    if (!isFrame(value)) {
      this.#logger.warn('frame without a type from server');
      return;
    }
    // Broadcasts and heartbeats are never replies; everything else answers the oldest request.
    if (value.type === 'broadcast' || value.type === 'heartbeat' || this.#pending.length === 0) {
      this.#onUnsolicited(value);
      return;
    }
    const error = value.type === 'error' ? new TcpRequestError(value as Frame & ErrorFrame) : undefined;
    this.#pending.settleOldest(value, error);
  }

  #onUnsolicited(frame: Frame): void {
    if (frame.type === 'heartbeat') {
      const socket = this.#socket;
      if (socket !== null && !socket.destroyed) {
        socket.write(
          encodeFrame(JSON.stringify({ type: 'heartbeat_ack', timestamp: new Date().toISOString() })),
        );
      }
    }
    if (frame.type === 'broadcast') this.emit('broadcast', frame as Frame & BroadcastFrame);
    this.emit('message', frame);
  }

  #onClose(socket: Socket): void {
    if (this.#socket !== socket) return;
    this.#socket = null;
    this.#pending.rejectAll(connectionClosed('Connection closed before the reply arrived'));
    const willReconnect = this.#state !== 'closed' && this.#backoff !== null;
    if (this.#state !== 'closed') this.#state = willReconnect ? 'reconnecting' : 'idle';
    this.emit('disconnect', { willReconnect });
    if (willReconnect) {
      this.#attempt = 0;
      this.#scheduleReconnect();
    }
  }

  #scheduleReconnect(error?: Error): void {
    const backoff = this.#backoff;
    if (backoff === null || this.#state !== 'reconnecting') return;
    this.#attempt++;
    if (this.#attempt > backoff.maxAttempts) {
      this.#state = 'idle';
      this.emit('reconnect_failed', { attempts: this.#attempt - 1, ...(error ? { error } : {}) });
      return;
    }
    const delayMs = backoffDelay(this.#attempt, backoff);
    this.emit('reconnecting', { attempt: this.#attempt, delayMs });
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#state !== 'reconnecting') return;
      this.#open().then(
        () => this.emit('reconnect', { attempt: this.#attempt }),
        (err: Error) => {
          this.#logger.debug({ err, attempt: this.#attempt }, 'reconnect failed');
          this.#scheduleReconnect(err);
        },
      );
    }, delayMs);
  }
}
