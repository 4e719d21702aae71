/**
 * A raw socket client for tests: no protocol logic, only bytes in and out. It connects (TCP or Unix
 * path) within a deadline, keeps every byte it receives and the messages a framing adapter cuts from
 * them, and waits on events (data, end, close) with deadlines that say what was awaited. The socket
 * is destroyed when the test finishes, however it ends.
 */
import { connect, type Socket } from 'node:net';
import { registerCleanup } from './cleanup.js';
import type { RawDecoder, RawFraming } from './raw-framing.js';
import { DEADLINES, scaled } from './timeouts.js';
import { WaitTimeoutError, withTimeout } from './wait.js';

/** Where to connect: a port on 127.0.0.1, a host and port, or a Unix socket path. */
export type RawTarget = number | { port: number; host?: string } | { path: string };

/** Options of openRawSocket() and connectRaw(). */
export interface RawConnectOptions {
  /** Keep our side open after the peer ends its side (a client that never closes). Default false. */
  allowHalfOpen?: boolean;
  /** Deadline for the connection, already scaled; default DEADLINES.condition scaled. */
  timeoutMs?: number;
}

/** Options of a RawSocketClient. */
export interface RawClientOptions {
  /** Names the client in error messages; default "raw client of <target>". */
  label?: string;
  /**
   * Most bytes kept for `received()`; more is reported as an error (the test fails), since a test
   * that receives more than this is almost certainly stuck in a loop. Default 64 MiB.
   */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** "127.0.0.1:8080" or the socket path. */
export function describeTarget(target: RawTarget): string {
  if (typeof target === 'number') return `127.0.0.1:${target}`;
  return 'path' in target ? target.path : `${target.host ?? '127.0.0.1'}:${target.port}`;
}

/**
 * Connects a plain socket to `target`, destroyed when the test finishes. Rejects with the socket's
 * error (ECONNREFUSED, ENOENT, ...) or, after the deadline, a WaitTimeoutError naming the target.
 */
export async function openRawSocket(target: RawTarget, options: RawConnectOptions = {}): Promise<Socket> {
  const where =
    typeof target === 'number'
      ? { host: '127.0.0.1', port: target }
      : 'path' in target
        ? { path: target.path }
        : { host: target.host ?? '127.0.0.1', port: target.port };
  const socket = connect({ ...where, allowHalfOpen: options.allowHalfOpen ?? false });
  registerCleanup(() => socket.destroy());
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve();
    });
    socket.once('error', reject);
  });
  try {
    await withTimeout(
      connected,
      options.timeoutMs ?? scaled(DEADLINES.condition),
      `a connection to ${describeTarget(target)}`,
    );
  } catch (error) {
    socket.destroy();
    throw error;
  }
  return socket;
}

/** Connects a RawSocketClient to `target` that cuts what it receives with `framing` (see `framings`). */
export function connectRaw<T>(
  target: RawTarget,
  framing: RawFraming<T>,
  options: RawConnectOptions & RawClientOptions = {},
): Promise<RawSocketClient<T>> {
  return RawSocketClient.open(target, framing, options);
}

/**
 * A connected socket with what it received: `received()` (bytes), `messages` (decoded by the
 * framing), and waits on both. Construct it right after the socket connects (no data is lost: a
 * socket holds its input until someone reads). App test helpers extend it with their protocol's
 * requests.
 */
export class RawSocketClient<T = Buffer> {
  readonly socket: Socket;
  readonly label: string;
  /** Every message decoded so far, in arrival order (next() does not remove them). */
  readonly messages: T[] = [];
  /** Resolves when the socket has closed; no deadline (see waitClosed()). */
  readonly closedPromise: Promise<void>;
  readonly #framing: RawFraming<T>;
  readonly #decoder: RawDecoder;
  readonly #maxBytes: number;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #read = 0;
  #ended = false;
  #closed = false;
  /** The first decoding error; it fails every wait, and the test at cleanup if no wait reported it. */
  #error: Error | undefined;
  #errorReported = false;
  #listeners = new Set<() => void>();

  /**
   * Connects to `target` (see openRawSocket()) and wraps the socket in this class: an app's client
   * class that extends RawSocketClient gets its own `open`.
   */
  static async open<M, C extends RawSocketClient<M>>(
    this: new (
      socket: Socket,
      framing: RawFraming<M>,
      options?: RawClientOptions,
    ) => C,
    target: RawTarget,
    framing: RawFraming<M>,
    options: RawConnectOptions & RawClientOptions = {},
  ): Promise<C> {
    const socket = await openRawSocket(target, options);
    return new this(socket, framing, {
      label: options.label ?? `raw client of ${describeTarget(target)}`,
      maxBytes: options.maxBytes,
    });
  }

  constructor(socket: Socket, framing: RawFraming<T>, options: RawClientOptions = {}) {
    this.socket = socket;
    this.#framing = framing;
    this.label = options.label ?? 'raw client';
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.#decoder = framing.decoder({
      message: (value) => this.messages.push(value),
      error: (error) => this.#fail(error),
    });
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => {
      this.#ended = true;
      this.#wake();
    });
    // A reset is a way for the peer to close; the close event follows and the waits see it.
    socket.on('error', () => {});
    this.closedPromise = new Promise((resolve) => {
      const onClose = (): void => {
        this.#closed = true;
        this.#wake();
        resolve();
      };
      if (socket.destroyed) queueMicrotask(onClose);
      else socket.once('close', onClose);
    });
    registerCleanup(() => {
      socket.destroy();
      if (this.#error && !this.#errorReported) {
        this.#errorReported = true;
        throw this.#describeError();
      }
    });
  }

  /** The socket has closed (both directions). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The peer has ended its side (sent FIN). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Everything received so far. */
  received(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0] ?? Buffer.alloc(0);
  }

  /** Everything received so far, as text. */
  text(encoding: BufferEncoding = 'utf8'): string {
    return this.received().toString(encoding);
  }

  /** Writes raw bytes (ignored once the socket is gone, as a peer that vanished would see). */
  write(data: string | Uint8Array, callback?: () => void): void {
    this.socket.write(data, callback);
  }

  /** Ends our side, after writing `data` when given. */
  end(data?: string | Uint8Array): void {
    if (data === undefined) this.socket.end();
    else this.socket.end(data);
  }

  /** Closes the socket at once. */
  destroy(): void {
    this.socket.destroy();
  }

  /** Messages received but not returned by next()/take() yet. */
  unread(): T[] {
    return this.messages.slice(this.#read);
  }

  /** The next message next() has not returned yet; rejects if the socket closes or the deadline passes first. */
  async next(timeoutMs?: number): Promise<T> {
    const [message] = await this.take(1, timeoutMs);
    return message as T;
  }

  /** The next `count` messages not returned yet (see next()). */
  async take(count: number, timeoutMs?: number): Promise<T[]> {
    const end = this.#read + count;
    await this.waitUntil(
      () => this.messages.length >= end,
      `${count === 1 ? `message ${end}` : `messages ${this.#read + 1}-${end}`}`,
      timeoutMs,
    );
    const taken = this.messages.slice(this.#read, end);
    this.#read = end;
    return taken;
  }

  /** The first `count` messages received, once they have arrived (counts every message, read or not). */
  async waitForMessages(count: number, timeoutMs?: number): Promise<T[]> {
    await this.waitUntil(() => this.messages.length >= count, `${count} messages`, timeoutMs);
    return this.messages.slice(0, count);
  }

  /** Resolves when the socket has closed; rejects after the deadline. */
  async waitClosed(timeoutMs?: number): Promise<void> {
    await this.waitUntil(() => this.#closed, 'the connection to close', timeoutMs);
  }

  /** Resolves when the peer has ended its side; rejects if the socket closes without it, or after the deadline. */
  async waitEnded(timeoutMs?: number): Promise<void> {
    await this.waitUntil(() => this.#ended, 'the peer to end its side', timeoutMs);
  }

  /**
   * Resolves with `probe()`'s first value other than undefined/false/null, probed now and after every
   * chunk, end and close. Rejects, naming `what` and what was received, when the socket closes with
   * the probe still unmet, when the deadline (already scaled; default DEADLINES.condition scaled)
   * passes, or when the received bytes do not decode.
   */
  waitUntil<R>(
    probe: () => R | undefined | false | null,
    what: string,
    timeoutMs = scaled(DEADLINES.condition),
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        settle();
      };
      const check = (): void => {
        if (this.#error) {
          this.#errorReported = true;
          const error = this.#describeError();
          finish(() => reject(error));
          return;
        }
        let value: R | undefined | false | null;
        try {
          value = probe();
        } catch (error) {
          finish(() => reject(error));
          return;
        }
        if (value !== undefined && value !== false && value !== null) {
          const found = value;
          finish(() => resolve(found));
        } else if (this.#closed) {
          const error = new Error(`the connection closed while waiting for ${what} on ${this.#state()}`);
          finish(() => reject(error));
        }
      };
      const timer = setTimeout(() => {
        const error = new WaitTimeoutError(
          `timed out after ${timeoutMs} ms waiting for ${what} on ${this.#state()}`,
        );
        finish(() => reject(error));
      }, timeoutMs);
      this.#listeners.add(check);
      check();
    });
  }

  #onData(chunk: Buffer): void {
    this.#bytes += chunk.length;
    if (this.#bytes > this.#maxBytes) {
      this.#fail(new Error(`received more than ${this.#maxBytes} bytes (raise maxBytes if that is meant)`));
    } else {
      this.#chunks.push(chunk);
      if (!this.#error) this.#decoder.push(chunk);
    }
    this.#wake();
  }

  #fail(error: Error): void {
    this.#error ??= error;
    this.#wake();
  }

  #describeError(): Error {
    const error = this.#error as Error;
    return new Error(`${this.label}: what the peer sent is not ${this.#framing.name}: ${error.message}`, {
      cause: error,
    });
  }

  /** "<label> (3 messages, 2 read, 120 bytes, open)" for error messages. */
  #state(): string {
    const status = this.#closed ? 'closed' : this.#ended ? 'ended by the peer' : 'open';
    return `${this.label} (${this.messages.length} messages, ${this.#read} read, ${this.#bytes} bytes, ${status})`;
  }

  #wake(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
