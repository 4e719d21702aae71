import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { ClientErrorCode, ProtocolError } from '@sockworks/error-codes';
import { type FramingError, NdjsonDecoder } from '@sockworks/framing';
import { type Logger, silentLogger, truncateForLog } from '@sockworks/logging';
import { BACKOFF_DEFAULTS, type BackoffOptions, backoffDelay } from '@sockworks/service';
import { DEFAULT_HOST, DEFAULT_PORT } from '../protocol/constants.js';
import { businessError, clientError } from './errors.js';
import type { ChatClientEvents, ChatClientOptions, JoinResult, UserInfo } from './types.js';

type Reply = Record<string, unknown>;

interface Pending {
  resolve(reply: Reply): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout | undefined;
  /** Timed out: its reply, when it comes, is dropped (the queue keeps its place so order holds). */
  abandoned: boolean;
}

/**
 * A client for the chat server. Requests are plain-dialect JSON lines; the server answers them in
 * order, so replies are matched to requests first-in first-out. Broadcasts arrive as events.
 */
export class ChatClient extends EventEmitter<ChatClientEvents> {
  readonly #host: string;
  readonly #port: number;
  readonly #backoff: BackoffOptions | undefined;
  readonly #timeoutMs: number;
  readonly #maxLineBytes: number;
  readonly #answerHeartbeats: boolean;
  readonly #log: Logger;
  #socket: Socket | undefined;
  #pending: Pending[] = [];
  #username: string | undefined;
  /** The name to re-join with after a reconnect (what join() was asked for). */
  #wantedName: string | undefined;
  #closedByUser = false;
  #attempt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;

  constructor(options: ChatClientOptions = {}) {
    super();
    this.#host = options.host ?? DEFAULT_HOST;
    this.#port = options.port ?? DEFAULT_PORT;
    const r = options.reconnect;
    this.#backoff =
      r === undefined || r === false ? undefined : { ...BACKOFF_DEFAULTS, ...(r === true ? {} : r) };
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#maxLineBytes = options.maxLineBytes ?? 4 * 1024 * 1024;
    this.#answerHeartbeats = options.answerHeartbeats ?? true;
    this.#log = options.logger ?? silentLogger();
    // An 'error' event without a listener would throw; the default is to log it.
    this.on('error', (err) => this.#log.warn({ err }, 'chat client error'));
  }

  /** The name we joined as, or undefined when not joined. */
  get username(): string | undefined {
    return this.#username;
  }

  /** True while the socket is open. */
  get connected(): boolean {
    return this.#socket !== undefined && !this.#socket.destroyed;
  }

  /** Opens the connection; rejects with CONNECT_FAILED. */
  async connect(): Promise<void> {
    this.#closedByUser = false;
    await this.#open();
  }

  /** Joins; resolves with the name the server gave us and the user list. */
  async join(username: string): Promise<JoinResult> {
    const reply = await this.request('join_chat', { username });
    const message = String(reply.message ?? '');
    const prefix = 'Joined chat as ';
    const name = message.startsWith(prefix) ? message.slice(prefix.length) : username;
    this.#username = name;
    this.#wantedName = username;
    const users = Array.isArray(reply.users) ? reply.users.map(String) : [];
    return { username: name, users };
  }

  /** Sends a chat message to the other users. */
  async send(message: string): Promise<void> {
    await this.request('send_message', { message });
  }

  /** Names of the joined users. */
  async getUsers(): Promise<string[]> {
    const reply = await this.request('get_users', {});
    return Array.isArray(reply.users) ? reply.users.map(String) : [];
  }

  /** Names and addresses of the joined users. */
  async getUsersDetailed(): Promise<UserInfo[]> {
    const reply = await this.request('get_users', { format: 'detailed' });
    return Array.isArray(reply.users) ? (reply.users as UserInfo[]) : [];
  }

  /** Leaves the chat; the connection stays open. */
  async leave(): Promise<void> {
    await this.request('leave_chat', {});
    this.#username = undefined;
    this.#wantedName = undefined;
  }

  /** Closes the connection (no reconnect); resolves once the socket is closed. */
  async disconnect(): Promise<void> {
    this.#closedByUser = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const socket = this.#socket;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  /**
   * Sends one request and resolves with its success reply; rejects with a ProtocolError carrying
   * the server's code (string business codes, numeric JSON-RPC codes) or a ClientErrorCode.
   */
  request(method: string, params: Record<string, unknown> = {}): Promise<Reply> {
    const socket = this.#socket;
    if (!socket || socket.destroyed || !socket.writable) {
      return Promise.reject(clientError(ClientErrorCode.CONNECTION_CLOSED, 'not connected'));
    }
    return new Promise<Reply>((resolve, reject) => {
      const pending: Pending = { resolve, reject, timer: undefined, abandoned: false };
      if (this.#timeoutMs > 0) {
        pending.timer = setTimeout(() => {
          pending.abandoned = true;
          reject(
            clientError(
              ClientErrorCode.REQUEST_TIMEOUT,
              `no reply to ${method} within ${this.#timeoutMs} ms`,
            ),
          );
        }, this.#timeoutMs);
        pending.timer.unref();
      }
      this.#pending.push(pending);
      socket.write(`${JSON.stringify({ method, params })}\n`);
    });
  }

  #open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = connect({ host: this.#host, port: this.#port });
      socket.setNoDelay(true);
      const decoder = new NdjsonDecoder({
        maxLineBytes: this.#maxLineBytes,
        onMessage: (value) => this.#onMessage(value),
        onError: (err: FramingError) => {
          this.emit('error', err);
          if (err.fatal) socket.destroy();
        },
      });
      let connected = false;
      socket.on('error', (err) => {
        if (!connected)
          reject(clientError(ClientErrorCode.CONNECT_FAILED, `${this.#host}:${this.#port}: ${err.message}`));
        else this.#log.debug({ err }, 'socket error');
      });
      socket.once('connect', () => {
        if (this.#closedByUser) {
          // disconnect() was called while this connection was being set up.
          socket.destroy();
          reject(clientError(ClientErrorCode.CONNECTION_CLOSED, 'disconnected while connecting'));
          return;
        }
        connected = true;
        this.#socket = socket;
        resolve();
      });
      socket.on('data', (chunk: Buffer) => decoder.push(chunk));
      socket.on('close', () => {
        decoder.close();
        if (connected) this.#onClose(socket);
      });
    });
  }

  #onMessage(value: unknown): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.emit('error', new Error('unexpected message from server'));
      return;
    }
    const message = value as Reply;
    if (typeof message.type === 'string') {
      this.#onBroadcast(message);
      return;
    }
    const pending = this.#pending.shift();
    if (!pending) {
      this.#log.debug({ input: truncateForLog(JSON.stringify(message)) }, 'reply without a request');
      return;
    }
    if (pending.timer) clearTimeout(pending.timer);
    if (pending.abandoned) return;
    if (message.status === 'error') {
      pending.reject(businessError(message));
    } else if (typeof message.error === 'string' && typeof message.code === 'number') {
      pending.reject(new ProtocolError(message.code, message.error));
    } else {
      pending.resolve(message);
    }
  }

  #onBroadcast(message: Reply): void {
    const text = String(message.message ?? '');
    if (message.type === 'chat') {
      this.emit('chat', { username: String(message.username ?? ''), message: text });
    } else if (message.type === 'system') {
      this.emit(
        'system',
        typeof message.code === 'string' ? { message: text, code: message.code } : { message: text },
      );
    } else if (message.type === 'heartbeat') {
      if (this.#answerHeartbeats) this.request('ping').catch(() => {});
      this.emit('heartbeat');
    }
  }

  #onClose(socket: Socket): void {
    if (this.#socket !== socket) return;
    this.#socket = undefined;
    this.#username = undefined;
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) {
      if (p.timer) clearTimeout(p.timer);
      if (!p.abandoned)
        p.reject(clientError(ClientErrorCode.CONNECTION_CLOSED, 'connection closed before the reply'));
    }
    const willReconnect = !this.#closedByUser && this.#backoff !== undefined;
    this.emit('close', { willReconnect });
    if (willReconnect) this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const backoff = this.#backoff;
    if (!backoff || this.#closedByUser) return;
    this.#attempt++;
    if (this.#attempt > backoff.maxAttempts) {
      this.emit(
        'error',
        clientError(ClientErrorCode.CONNECT_FAILED, `gave up after ${backoff.maxAttempts} attempts`),
      );
      return;
    }
    const delayMs = backoffDelay(this.#attempt, backoff);
    this.emit('reconnecting', { attempt: this.#attempt, delayMs });
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#closedByUser) return;
      this.#open().then(
        () => this.#afterReconnect(),
        () => this.#scheduleReconnect(),
      );
    }, delayMs);
  }

  async #afterReconnect(): Promise<void> {
    this.#attempt = 0;
    const name = this.#wantedName;
    if (name === undefined) {
      this.emit('reconnected', {});
      return;
    }
    try {
      this.emit('reconnected', { join: await this.join(name) });
    } catch (err) {
      this.emit('error', err instanceof Error ? err : new Error(String(err)));
    }
  }
}
