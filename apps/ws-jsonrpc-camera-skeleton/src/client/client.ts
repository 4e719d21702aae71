import { ClientErrorCode, ProtocolError } from '@sockworks/error-codes';
import { BACKOFF_DEFAULTS, type BackoffOptions, backoffDelay } from '@sockworks/service';
import WebSocket from 'ws';
import type { BatchEntry, BatchResult, CallOptions, WsRpcClientOptions } from './types.js';
import { closedError, fromWireError, requestObject, timeoutError } from './wire.js';

interface Pending {
  resolve(value: BatchResult): void;
  timer: NodeJS.Timeout;
}

interface RawWaiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

type State = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The shared backoff, capped at 5 s: a camera UI should see its server back quickly. */
const DEFAULT_RECONNECT: BackoffOptions = { ...BACKOFF_DEFAULTS, maxDelayMs: 5000 };

/** A typed JSON-RPC 2.0 client over WebSocket: calls with timeouts, notifications, batches, reconnect. */
export class WsRpcClient {
  readonly url: string;
  readonly #opts: WsRpcClientOptions;
  readonly #timeoutMs: number;
  readonly #reconnect: BackoffOptions | null;
  readonly #pending = new Map<number, Pending>();
  readonly #rawWaiters: RawWaiter[] = [];
  #openWaiters: Array<{ resolve(): void; reject(error: Error): void }> = [];
  #socket: WebSocket | null = null;
  #state: State = 'idle';
  #nextId = 1;
  #attempt = 0;
  #reconnectTimer: NodeJS.Timeout | null = null;

  constructor(options: WsRpcClientOptions) {
    this.url = options.url;
    this.#opts = options;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    const rc = options.reconnect ?? true;
    this.#reconnect = rc === false ? null : { ...DEFAULT_RECONNECT, ...(rc === true ? {} : rc) };
  }

  /** True while the WebSocket is open. */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** Opens the connection; rejects if the first attempt fails (reconnect applies to later drops only). */
  connect(): Promise<void> {
    if (this.#state === 'open') return Promise.resolve();
    if (this.#state === 'closed') return Promise.reject(closedError('client is closed'));
    const waiting = this.#waitOpen();
    if (this.#state === 'idle') this.#open(true);
    return waiting;
  }

  /** Calls `method` and resolves with its result; rejects with a ProtocolError carrying the server's code. */
  async call<R = unknown>(method: string, params?: unknown, options?: CallOptions): Promise<R> {
    const outcome = await this.#request(method, params, options?.timeoutMs ?? this.#timeoutMs);
    if (!outcome.ok) throw outcome.error;
    return outcome.result as R;
  }

  /** Sends a notification (no reply); resolves once it is handed to the socket. */
  async notify(method: string, params?: unknown): Promise<void> {
    await this.sendRaw(JSON.stringify(requestObject(method, params, undefined)));
  }

  /** Sends one batch; resolves with the outcome of every non-notification entry, in order. */
  async batch(entries: readonly BatchEntry[], options?: CallOptions): Promise<BatchResult[]> {
    if (entries.length === 0) throw new RangeError('a batch needs at least one entry');
    const timeoutMs = options?.timeoutMs ?? this.#timeoutMs;
    await this.#ready(timeoutMs);
    const body: unknown[] = [];
    const outcomes: Promise<BatchResult>[] = [];
    for (const entry of entries) {
      if (entry.notify) {
        body.push(requestObject(entry.method, entry.params, undefined));
      } else {
        const id = this.#nextId++;
        body.push(requestObject(entry.method, entry.params, id));
        outcomes.push(this.#expect(id, timeoutMs));
      }
    }
    this.#send(JSON.stringify(body));
    return Promise.all(outcomes);
  }

  /** Sends text as is (for tests of malformed input); resolves once written. */
  async sendRaw(text: string): Promise<void> {
    await this.#ready(this.#timeoutMs);
    this.#send(text);
  }

  /** Sends text as is and resolves with the next reply that answers no pending call (e.g. `id: null`). */
  async requestRaw(text: string, options?: CallOptions): Promise<unknown> {
    const timeoutMs = options?.timeoutMs ?? this.#timeoutMs;
    await this.#ready(timeoutMs);
    const reply = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#rawWaiters.indexOf(waiter);
        if (i >= 0) this.#rawWaiters.splice(i, 1);
        reject(timeoutError(timeoutMs));
      }, timeoutMs);
      const waiter: RawWaiter = { resolve, reject, timer };
      this.#rawWaiters.push(waiter);
    });
    this.#send(text);
    return reply;
  }

  /** Closes for good: no reconnect; pending calls reject with CONNECTION_CLOSED. Idempotent. */
  close(code = 1000, reason = ''): Promise<void> {
    const socket = this.#socket;
    this.#state = 'closed';
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#failAll(closedError('client closed'));
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(code, reason);
    });
  }

  /** Same as `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #request(method: string, params: unknown, timeoutMs: number): Promise<BatchResult> {
    await this.#ready(timeoutMs);
    const id = this.#nextId++;
    const outcome = this.#expect(id, timeoutMs);
    this.#send(JSON.stringify(requestObject(method, params, id)));
    return outcome;
  }

  #expect(id: number, timeoutMs: number): Promise<BatchResult> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve({ ok: false, error: timeoutError(timeoutMs) });
      }, timeoutMs);
      this.#pending.set(id, { resolve, timer });
    });
  }

  #send(text: string): void {
    const socket = this.#socket;
    if (!socket || this.#state !== 'open') throw closedError('not connected');
    socket.send(text);
  }

  /** Resolves when open; waits through a reconnect for at most `timeoutMs`. */
  #ready(timeoutMs: number): Promise<void> {
    if (this.#state === 'open') return Promise.resolve();
    if (this.#state === 'idle') return this.connect();
    if (this.#state === 'closed') return Promise.reject(closedError('client is closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(timeoutError(timeoutMs)), timeoutMs);
      this.#waitOpen().then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  #waitOpen(): Promise<void> {
    return new Promise((resolve, reject) => this.#openWaiters.push({ resolve, reject }));
  }

  #open(first: boolean): void {
    this.#state = first ? 'connecting' : 'reconnecting';
    const headers: Record<string, string> = { ...this.#opts.headers };
    if (this.#opts.authToken !== undefined) headers.authorization = `Bearer ${this.#opts.authToken}`;
    const socket = new WebSocket(this.url, {
      headers,
      origin: this.#opts.origin,
      maxPayload: this.#opts.maxPayload ?? 16 * 1024 * 1024,
      perMessageDeflate: false,
    });
    this.#socket = socket;
    let opened = false;
    socket.on('open', () => {
      opened = true;
      this.#attempt = 0;
      this.#state = 'open';
      const waiters = this.#openWaiters;
      this.#openWaiters = [];
      for (const w of waiters) w.resolve();
      this.#opts.onOpen?.();
    });
    // binaryType is the default 'nodebuffer', so every message is one Buffer.
    socket.on('message', (data) => this.#onMessage((data as Buffer).toString()));
    // Errors are followed by 'close'; the listener keeps them from being thrown.
    socket.on('error', (error) => {
      if (!opened && first) {
        this.#rejectOpenWaiters(
          new ProtocolError(ClientErrorCode.CONNECT_FAILED, error.message, { cause: error }),
        );
      }
    });
    socket.on('close', (code, reason) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (opened) this.#opts.onClose?.(code, reason.toString());
      if (this.#state === 'closed') return;
      this.#failAll(closedError(`connection closed (${code})`), false);
      if (this.#reconnect && (opened || !first)) this.#scheduleReconnect();
      else {
        // A failed first attempt may be retried with connect(); a drop without reconnect is final.
        this.#state = opened ? 'closed' : 'idle';
        this.#rejectOpenWaiters(closedError(`connection closed (${code})`));
      }
    });
  }

  #scheduleReconnect(): void {
    const rc = this.#reconnect;
    if (rc === null) return;
    this.#attempt++;
    if (this.#attempt > rc.maxAttempts) {
      this.#state = 'closed';
      this.#rejectOpenWaiters(closedError('reconnect attempts exhausted'));
      return;
    }
    this.#state = 'reconnecting';
    const delay = backoffDelay(this.#attempt, rc);
    this.#opts.onReconnecting?.(this.#attempt, delay);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      if (this.#state === 'reconnecting') this.#open(false);
    }, delay);
    this.#reconnectTimer.unref();
  }

  #onMessage(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.#deliverUnmatched(text);
      return;
    }
    if (Array.isArray(message)) {
      const unmatched = message.filter((m) => !this.#settle(m));
      if (unmatched.length > 0) this.#deliverUnmatched(message);
    } else if (!this.#settle(message)) {
      this.#deliverUnmatched(message);
    }
  }

  /** Settles the pending call a response answers; false when it answers none. */
  #settle(message: unknown): boolean {
    if (typeof message !== 'object' || message === null) return false;
    const { id, result, error } = message as { id?: unknown; result?: unknown; error?: unknown };
    if (typeof id !== 'number') return false;
    const pending = this.#pending.get(id);
    if (!pending) return false;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    if (error !== undefined) pending.resolve({ ok: false, error: fromWireError(error) });
    else pending.resolve({ ok: true, result });
    return true;
  }

  #deliverUnmatched(message: unknown): void {
    const waiter = this.#rawWaiters.shift();
    if (!waiter) return;
    clearTimeout(waiter.timer);
    waiter.resolve(message);
  }

  #failAll(error: ProtocolError, includeOpenWaiters = true): void {
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      this.#pending.delete(id);
      p.resolve({ ok: false, error });
    }
    for (const w of this.#rawWaiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    if (includeOpenWaiters) this.#rejectOpenWaiters(error);
  }

  #rejectOpenWaiters(error: Error): void {
    const waiters = this.#openWaiters;
    this.#openWaiters = [];
    for (const w of waiters) w.reject(error);
  }
}
