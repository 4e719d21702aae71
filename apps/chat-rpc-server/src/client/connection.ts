import { connect, type Socket } from 'node:net';
import { ClientErrorCode, ProtocolError } from '@sockworks/error-codes';
import { type FramingError, NdjsonDecoder } from '@sockworks/framing';
import { type Logger, truncateForLog } from '@sockworks/logging';
import { businessError, clientError } from './errors.js';

/** A message from the server as decoded from its JSON line. */
export type WireObject = Record<string, unknown>;

interface Pending {
  resolve(reply: WireObject): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout | undefined;
  /** Timed out: its reply, when it comes, is dropped (the queue keeps its place so order holds). */
  abandoned: boolean;
}

/** What a {@link ClientConnection} reports to its owner. */
export interface ClientConnectionEvents {
  /** A message with a `type` (chat, system, heartbeat, ...): not the reply to a request. */
  onBroadcast(message: WireObject): void;
  /** Bad data from the server (a line that is not a JSON object, a framing error). */
  onError(err: Error): void;
  /** The socket closed; every pending request has been rejected. Called once. */
  onClose(): void;
}

/** Options of {@link ClientConnection.open}. */
export interface ClientConnectionOptions {
  host: string;
  port: number;
  /** Reject a request whose reply takes longer (0: never). */
  timeoutMs: number;
  maxLineBytes: number;
  log: Logger;
}

/**
 * One socket to the chat server. Requests are plain-dialect JSON lines; the server answers them in
 * order, so replies are matched to requests first-in first-out, and broadcasts (they carry `type`,
 * replies never do) go to `onBroadcast` in the order they arrive.
 */
export class ClientConnection {
  readonly #socket: Socket;
  readonly #options: ClientConnectionOptions;
  #pending: Pending[] = [];

  private constructor(socket: Socket, options: ClientConnectionOptions) {
    this.#socket = socket;
    this.#options = options;
  }

  /** Connects; rejects with CONNECT_FAILED. `events` start once the promise resolves. */
  static open(options: ClientConnectionOptions, events: ClientConnectionEvents): Promise<ClientConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: options.host, port: options.port });
      socket.setNoDelay(true);
      const conn = new ClientConnection(socket, options);
      const decoder = new NdjsonDecoder({
        maxLineBytes: options.maxLineBytes,
        onMessage: (value) => conn.#onMessage(value, events),
        onError: (err: FramingError) => {
          events.onError(err);
          if (err.fatal) socket.destroy();
        },
      });
      let connected = false;
      socket.on('error', (err) => {
        if (!connected)
          reject(
            clientError(ClientErrorCode.CONNECT_FAILED, `${options.host}:${options.port}: ${err.message}`),
          );
        else options.log.debug({ err }, 'socket error');
      });
      socket.once('connect', () => {
        connected = true;
        resolve(conn);
      });
      socket.on('data', (chunk: Buffer) => decoder.push(chunk));
      socket.on('close', () => {
        decoder.close();
        if (!connected) return;
        conn.#rejectPending();
        events.onClose();
      });
    });
  }

  /** True while the socket can be written to. */
  get open(): boolean {
    return !this.#socket.destroyed && this.#socket.writable;
  }

  /**
   * Sends one request and resolves with its success reply; rejects with a ProtocolError carrying
   * the server's code (string business codes, numeric JSON-RPC codes) or a ClientErrorCode.
   */
  request(method: string, params: WireObject): Promise<WireObject> {
    if (!this.open) {
      return Promise.reject(clientError(ClientErrorCode.CONNECTION_CLOSED, 'not connected'));
    }
    const timeoutMs = this.#options.timeoutMs;
    return new Promise<WireObject>((resolve, reject) => {
      const pending: Pending = { resolve, reject, timer: undefined, abandoned: false };
      if (timeoutMs > 0) {
        pending.timer = setTimeout(() => {
          pending.abandoned = true;
          reject(
            clientError(ClientErrorCode.REQUEST_TIMEOUT, `no reply to ${method} within ${timeoutMs} ms`),
          );
        }, timeoutMs);
        pending.timer.unref();
      }
      this.#pending.push(pending);
      this.#socket.write(`${JSON.stringify({ method, params })}\n`);
    });
  }

  /** Ends the connection gracefully; resolves once the socket is closed (destroyed after `graceMs`). */
  end(graceMs = 1000): Promise<void> {
    const socket = this.#socket;
    if (socket.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), graceMs).unref();
    });
  }

  /** Closes the socket at once (as a dropped network would). */
  destroy(): void {
    this.#socket.destroy();
  }

  #onMessage(value: unknown, events: ClientConnectionEvents): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      events.onError(new Error('unexpected message from server'));
      return;
    }
    const message = value as WireObject;
    if (typeof message.type === 'string') {
      events.onBroadcast(message);
      return;
    }
    const pending = this.#pending.shift();
    if (!pending) {
      this.#options.log.debug({ input: truncateForLog(JSON.stringify(message)) }, 'reply without a request');
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

  #rejectPending(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) {
      if (p.timer) clearTimeout(p.timer);
      if (!p.abandoned)
        p.reject(clientError(ClientErrorCode.CONNECTION_CLOSED, 'connection closed before the reply'));
    }
  }
}
