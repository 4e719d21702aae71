import { framings, RawSocketClient, scaled, waitFor as testWaitFor } from '@sockworks/test-utils';
import { expect, onTestFinished } from 'vitest';
import { type ChatServer, type ChatServerOptions, createChatServer } from '../src/server/server.js';

/**
 * Starts a server on 127.0.0.1 with an ephemeral port; closed when the test ends. Its joins default to
 * protocol 1 (the spec's exact shapes, which most tests compare against) unless `options` says
 * otherwise; the server's own default, protocol 2, is tested in rooms.test.ts.
 */
export async function startServer(
  options: Partial<ChatServerOptions> = {},
): Promise<{ server: ChatServer; port: number }> {
  const server = createChatServer({
    port: 0,
    joinTimeoutMs: 0,
    closeTimeoutMs: 2000,
    defaultProtocol: 1,
    ...options,
  });
  onTestFinished(() => server.close({ timeoutMs: 500 }));
  const address = await server.listen();
  if (address.kind !== 'tcp') throw new Error('expected a TCP address');
  return { server, port: address.port };
}

/** Polls `check` until it returns true, failing after the (scaled) deadline with a message naming `what`. */
export async function waitFor(check: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  await testWaitFor(check, { what, timeoutMs: scaled(timeoutMs), intervalMs: 5 });
}

/** A message from the server: the spec's replies and broadcasts are JSON objects. */
export type Message = Record<string, unknown>;

// Typed as objects for the tests' convenience; a batch reply is an array at run time.
const MESSAGES = framings.map(framings.compactNdjson(), (value) => value as Message);

/**
 * A raw TCP client that reads the server's messages, checking that every one is exactly one compact
 * JSON value followed by "\n". Timeouts are in unscaled ms (scaled here).
 */
export class RawClient extends RawSocketClient<Message> {
  /** Connects to the server on `port`; destroyed when the test ends. */
  static connect(port: number): Promise<RawClient> {
    return RawClient.open(port, MESSAGES);
  }

  /** The lines received so far, as sent (without their "\n"). */
  get lines(): string[] {
    return this.text().split('\n').slice(0, -1);
  }

  /** Local port of the socket (what the server sees as the client's port). */
  get port(): number {
    return this.socket.localPort ?? 0;
  }

  /** Sends one request as a JSON line. */
  send(request: unknown): void {
    this.write(`${JSON.stringify(request)}\n`);
  }

  /** Sends a request and returns the next message (its reply). */
  async request(request: unknown): Promise<Message> {
    this.send(request);
    return this.next();
  }

  /** The next message not read yet. */
  override next(timeoutMs = 5000): Promise<Message> {
    return super.next(scaled(timeoutMs));
  }

  /** Sends a request and returns its reply, skipping broadcasts (messages with a `type`) before it. */
  async call(request: unknown): Promise<Message> {
    this.send(request);
    for (;;) {
      const message = await this.next();
      if (!('type' in message)) return message;
    }
  }

  /** Resolves once the server closed the connection. */
  override waitClosed(timeoutMs = 5000): Promise<void> {
    return super.waitClosed(scaled(timeoutMs));
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
}
