import { createConnection, type Socket } from 'node:net';
import { ClientErrorCode, type KvErrorCode, ProtocolError } from '@sockworks/error-codes';
import { type FramingError, NdjsonDecoder } from '@sockworks/framing';
import type { CalculateOperation } from '../protocol/commands.js';
import { isJsonObject, type KvResponse } from '../protocol/messages.js';
import type {
  CalculateResult,
  DeleteResult,
  EchoResult,
  HelpResult,
  ListKeysPage,
  ListKeysResult,
  PingResult,
  RetrieveResult,
  StoreResult,
  TimeResult,
} from './types.js';

/** Options of {@link KvClient.connect}. */
export interface KvClientOptions {
  /** Longest reply line accepted. @default 64 MiB */
  maxLineBytes?: number;
  /** Reject a request that gets no reply within this many ms (0: wait forever). @default 0 */
  requestTimeoutMs?: number;
  /** Reject `connect()` after this many ms. @default 5000 */
  connectTimeoutMs?: number;
}

/** A client-side failure (no connection, closed, timed out, oversize reply) as a ProtocolError. */
function clientError(code: ClientErrorCode, message: string, cause?: unknown): ProtocolError {
  return new ProtocolError(code, message, cause === undefined ? undefined : { cause });
}

interface Pending {
  resolve(response: KvResponse): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout | undefined;
}

const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Client of the key-value server. Requests carry generated ids and may be pipelined: call as many
 * methods as you like without awaiting; requests made in the same tick go out in one write.
 * Every method resolves with the reply's `data` or rejects with a `ProtocolError` carrying the
 * server's code (`KEY_NOT_FOUND`, `MATH_ERROR`, ...).
 */
export class KvClient {
  readonly #socket: Socket;
  readonly #pending = new Map<string, Pending>();
  readonly #timeoutMs: number;
  #nextId = 0;
  #out = '';
  #flushScheduled = false;
  #closed = false;
  /** close() was called: no new requests, outstanding ones still get their replies. */
  #ending = false;
  #closeReason: ProtocolError | undefined;
  #closedPromise: Promise<void>;
  #idleWaiters: Array<() => void> = [];

  private constructor(socket: Socket, options: KvClientOptions) {
    this.#socket = socket;
    this.#timeoutMs = options.requestTimeoutMs ?? 0;
    const decoder = new NdjsonDecoder({
      maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
      onMessage: (message) => this.#onReply(message),
      onError: (error: FramingError) =>
        this.#fail(
          clientError(
            error.code === 'FRAME_TOO_LARGE'
              ? ClientErrorCode.RESPONSE_TOO_LARGE
              : ClientErrorCode.CONNECTION_CLOSED,
            `bad reply from the server: ${error.message}`,
          ),
        ),
    });
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', (err) => this.#fail(clientError(ClientErrorCode.CONNECTION_CLOSED, err.message, err)));
    this.#closedPromise = new Promise((resolve) =>
      socket.once('close', () => {
        this.#fail(clientError(ClientErrorCode.CONNECTION_CLOSED, 'Connection closed'));
        resolve();
      }),
    );
  }

  /** Connects to the server's Unix socket. */
  static connect(path: string, options: KvClientOptions = {}): Promise<KvClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ path });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(clientError(ClientErrorCode.CONNECT_FAILED, `connect to ${path} timed out`));
      }, options.connectTimeoutMs ?? 5000);
      socket.once('error', (err) => {
        clearTimeout(timer);
        const code = (err as NodeJS.ErrnoException).code;
        reject(
          clientError(
            ClientErrorCode.CONNECT_FAILED,
            `cannot connect to ${path}: ${code ?? err.message}`,
            err,
          ),
        );
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new KvClient(socket, options));
      });
    });
  }

  /** Requests sent and not answered yet. */
  get pending(): number {
    return this.#pending.size;
  }

  /** True once the connection is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sends any command; resolves with the whole reply, success or error (never rejects on an error reply). */
  send(command: string, data: Record<string, unknown> = {}): Promise<KvResponse> {
    if (this.#closed || this.#ending) {
      return Promise.reject(
        this.#closeReason ?? clientError(ClientErrorCode.CONNECTION_CLOSED, 'Connection closed'),
      );
    }
    const id = String(++this.#nextId);
    const line = `{"command":${JSON.stringify(command)},"request_id":"${id}","data":${JSON.stringify(data)}}\n`;
    return new Promise<KvResponse>((resolve, reject) => {
      const timer =
        this.#timeoutMs > 0
          ? setTimeout(() => {
              this.#pending.delete(id);
              reject(
                clientError(
                  ClientErrorCode.REQUEST_TIMEOUT,
                  `no reply to '${command}' within ${this.#timeoutMs} ms`,
                ),
              );
              this.#checkIdle();
            }, this.#timeoutMs)
          : undefined;
      this.#pending.set(id, { resolve, reject, timer });
      this.#enqueue(line);
    });
  }

  /** Sends any command; resolves with the reply's `data`, rejects with ProtocolError on an error reply. */
  async request<D = unknown>(command: string, data: Record<string, unknown> = {}): Promise<D> {
    const response = await this.send(command, data);
    if (response.success) return response.data as D;
    throw new ProtocolError(response.error.code as KvErrorCode, response.error.message, { data: response });
  }

  /** `echo`: the message back. */
  echo<T = unknown>(message: T): Promise<EchoResult<T>> {
    return this.request('echo', { message });
  }

  /** `time`: the server clock. */
  time(): Promise<TimeResult> {
    return this.request('time');
  }

  /** `calculate`: `a <operation> b` (MATH_ERROR, INVALID_OPERATION, INVALID_INPUT on bad input). */
  calculate(operation: CalculateOperation, a: number, b: number): Promise<CalculateResult> {
    return this.request('calculate', { operation, a, b });
  }

  /** `store`: any JSON value under a key. */
  store(key: string, value: unknown): Promise<StoreResult> {
    return this.request('store', { key, value });
  }

  /** `retrieve`: the stored value (KEY_NOT_FOUND when absent). */
  retrieve<T = unknown>(key: string): Promise<RetrieveResult<T>> {
    return this.request('retrieve', { key });
  }

  /** `list_keys` with a cursor: one page of keys and the cursor of the next ("0" when done). */
  listKeysPage(cursor = '0', count?: number): Promise<ListKeysPage> {
    return this.request('list_keys', count === undefined ? { cursor } : { cursor, count });
  }

  /**
   * Every key, page by page (each page one request), like Redis SCAN: a key stored for the whole
   * scan is yielded exactly once; keys added or deleted meanwhile may or may not be.
   */
  async *scanKeys(count?: number): AsyncGenerator<string[], void, undefined> {
    let cursor = '0';
    do {
      const page = await this.listKeysPage(cursor, count);
      if (page.keys.length > 0) yield page.keys;
      // A server from before paging ignores the cursor and answers every key without one: done.
      cursor = typeof page.cursor === 'string' ? page.cursor : '0';
    } while (cursor !== '0');
  }

  /** `list_keys`: every key and the count, collected over as many pages as it takes. */
  async listKeys(): Promise<ListKeysResult> {
    const keys: string[] = [];
    for await (const page of this.scanKeys()) for (const key of page) keys.push(key);
    return { keys, count: keys.length };
  }

  /** `delete`: removes a key (KEY_NOT_FOUND when absent). */
  delete(key: string): Promise<DeleteResult> {
    return this.request('delete', { key });
  }

  /** `ping`: status and storage size. */
  ping(): Promise<PingResult> {
    return this.request('ping');
  }

  /** `help`: every command with its description and parameters. */
  help(): Promise<HelpResult> {
    return this.request('help');
  }

  /** Waits for outstanding replies, then closes the connection. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#ending = true;
      this.#flush();
      if (this.#pending.size > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
      this.#socket.end();
    }
    await this.#closedPromise;
  }

  /** Drops the connection at once; outstanding requests reject with CONNECTION_CLOSED. */
  destroy(): void {
    this.#socket.destroy();
  }

  #enqueue(line: string): void {
    this.#out += line;
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    process.nextTick(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#out.length === 0 || this.#closed) return;
    const out = this.#out;
    this.#out = '';
    this.#socket.write(out);
  }

  #onReply(message: unknown): void {
    if (!isJsonObject(message) || message.type !== 'response' || typeof message.success !== 'boolean') {
      this.#fail(
        clientError(ClientErrorCode.CONNECTION_CLOSED, 'bad reply from the server: not a reply object'),
      );
      return;
    }
    const response = message as unknown as KvResponse;
    const id = message.request_id;
    let entry: [string, Pending] | undefined;
    if (typeof id === 'string' && this.#pending.has(id)) entry = [id, this.#pending.get(id)!];
    // Errors about the connection itself (limit reached, line too long) carry no id: replies come in
    // order, so they belong to the oldest request.
    else entry = this.#pending.entries().next().value;
    if (entry === undefined) {
      if (!response.success)
        this.#closeReason = new ProtocolError(response.error.code as KvErrorCode, response.error.message, {
          data: response,
        });
      return;
    }
    this.#pending.delete(entry[0]);
    if (entry[1].timer) clearTimeout(entry[1].timer);
    entry[1].resolve(response);
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#pending.size > 0 || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }

  #fail(err: ProtocolError): void {
    if (!this.#closed) {
      this.#closed = true;
      this.#closeReason ??= err;
      this.#socket.destroy();
    }
    const reason = this.#closeReason ?? err;
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      if (pending.timer) clearTimeout(pending.timer);
      pending.reject(reason);
    }
    this.#checkIdle();
  }
}

/** True when `err` is the server's error reply with this code. */
export function isKvError(err: unknown, code: KvErrorCode): err is ProtocolError {
  return ProtocolError.is(err) && err.code === code;
}
