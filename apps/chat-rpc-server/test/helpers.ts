import { connect, type Socket } from 'node:net';
import { scaled, waitFor as testWaitFor } from '@sockworks/test-utils';
import { expect, onTestFinished } from 'vitest';
import { type ChatServer, type ChatServerOptions, createChatServer } from '../src/server/server.js';

/** Starts a server on 127.0.0.1 with an ephemeral port; closed when the test ends. */
export async function startServer(
  options: Partial<ChatServerOptions> = {},
): Promise<{ server: ChatServer; port: number }> {
  const server = createChatServer({ port: 0, joinTimeoutMs: 0, closeTimeoutMs: 2000, ...options });
  onTestFinished(() => server.close({ timeoutMs: 500 }));
  const address = await server.listen();
  if (address.kind !== 'tcp') throw new Error('expected a TCP address');
  return { server, port: address.port };
}

/** Polls `check` until it returns true, failing after the (scaled) deadline with a message naming `what`. */
export async function waitFor(check: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  await testWaitFor(check, { what, timeoutMs: scaled(timeoutMs), intervalMs: 5 });
}

/**
 * A raw TCP client that splits what the server sends into lines and parses each as JSON, checking
 * that every message the server sends is exactly one compact JSON value followed by "\n".
 */
export class RawClient {
  readonly messages: Record<string, unknown>[] = [];
  readonly lines: string[] = [];
  closed = false;
  #partial = '';
  #read = 0;
  #waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      this.#partial += text;
      let nl = this.#partial.indexOf('\n');
      while (nl !== -1) {
        const line = this.#partial.slice(0, nl);
        this.#partial = this.#partial.slice(nl + 1);
        this.lines.push(line);
        const value = JSON.parse(line) as Record<string, unknown>;
        if (JSON.stringify(value) !== line) throw new Error(`not compact JSON: ${line}`);
        this.messages.push(value);
        nl = this.#partial.indexOf('\n');
      }
      this.#wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
  }

  /** Connects to the server on `port`; destroyed when the test ends. */
  static async connect(port: number): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port });
    onTestFinished(() => {
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Local port of the socket (what the server sees as the client's port). */
  get port(): number {
    return this.socket.localPort ?? 0;
  }

  /** Writes raw text. */
  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Sends one request as a JSON line. */
  send(request: unknown): void {
    this.socket.write(`${JSON.stringify(request)}\n`);
  }

  /** Sends a request and returns the next message (its reply). */
  async request(request: unknown): Promise<Record<string, unknown>> {
    this.send(request);
    return this.next();
  }

  /** The next message not read yet. */
  async next(timeoutMs = 5000): Promise<Record<string, unknown>> {
    const ms = scaled(timeoutMs);
    const deadline = Date.now() + ms;
    while (this.#read >= this.messages.length) {
      if (this.closed) throw new Error('connection closed while waiting for a message');
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${ms} ms waiting for message ${this.#read + 1} from the server`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.messages[this.#read++] as Record<string, unknown>;
  }

  /** Sends a request and returns its reply, skipping broadcasts (messages with a `type`) before it. */
  async call(request: unknown): Promise<Record<string, unknown>> {
    this.send(request);
    for (;;) {
      const message = await this.next();
      if (!('type' in message)) return message;
    }
  }

  /** Messages received but not read by next() yet. */
  unread(): Record<string, unknown>[] {
    return this.messages.slice(this.#read);
  }

  /** Resolves once the server closed the connection. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.closed, 'connection close', timeoutMs);
  }

  /** Joins with `username`, returns the reply and consumes the welcome message. */
  async join(username: string): Promise<Record<string, unknown>> {
    const reply = await this.call({ method: 'join_chat', params: { username } });
    if (reply.status === 'success')
      expect(await this.next()).toMatchObject({
        type: 'system',
        message: `Welcome to the chat, ${String(reply.message).slice('Joined chat as '.length)}!`,
      });
    return reply;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
