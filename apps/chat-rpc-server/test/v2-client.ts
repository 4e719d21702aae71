import { expect } from 'vitest';
import { RawClient, waitFor } from './helpers.js';

/** The two wire dialects every protocol-2 method is tested in. */
export type Dialect = 'plain' | 'jsonrpc';
export const DIALECTS: readonly Dialect[] = ['plain', 'jsonrpc'];

type Message = Record<string, unknown>;

/**
 * A raw client speaking one dialect that keeps replies and notifications apart: `call` returns the
 * next reply (a JSON-RPC result or business error turned into the plain shapes), `notification` the
 * next notification (JSON-RPC ones unwrapped), so tests read both the same way in either dialect.
 */
export class V2Client {
  #replies = 0;
  #notes = 0;
  #nextId = 1;

  private constructor(
    readonly raw: RawClient,
    readonly dialect: Dialect,
  ) {}

  static async connect(port: number, dialect: Dialect): Promise<V2Client> {
    return new V2Client(await RawClient.connect(port), dialect);
  }

  /** Alice, Bob and Carol, joined with protocol 2 in that order (welcomes read). */
  static async trio(port: number, dialect: Dialect): Promise<[V2Client, V2Client, V2Client]> {
    const trio: [V2Client, V2Client, V2Client] = [
      await V2Client.connect(port, dialect),
      await V2Client.connect(port, dialect),
      await V2Client.connect(port, dialect),
    ];
    for (const [i, name] of ['Alice', 'Bob', 'Carol'].entries()) await trio[i]?.join(name);
    return trio;
  }

  /** Every notification received so far (unwrapped). */
  get notifications(): Message[] {
    return this.raw.messages.filter((m) => this.#isNotification(m)).map((m) => this.#unwrap(m));
  }

  /** Notifications not read by `notification()` yet. */
  unreadNotifications(): Message[] {
    return this.notifications.slice(this.#notes);
  }

  /** Sends a request without waiting. */
  send(method: string, params?: unknown): void {
    if (this.dialect === 'plain') this.raw.send(params === undefined ? { method } : { method, params });
    else this.raw.send({ jsonrpc: '2.0', method, params: params ?? {}, id: this.#nextId++ });
  }

  /** Sends a request and returns its reply in the plain dialect's shapes. */
  async call(method: string, params?: unknown): Promise<Message> {
    this.send(method, params);
    return this.reply();
  }

  /** The next reply not read yet. */
  async reply(timeoutMs = 5000): Promise<Message> {
    await waitFor(() => this.#replyList().length > this.#replies, `reply ${this.#replies + 1}`, timeoutMs);
    const reply = this.#replyList()[this.#replies++] as Message;
    if (this.dialect === 'plain') return reply;
    if ('result' in reply) return reply.result as Message;
    const error = reply.error as { code: number; message: string; data?: { code?: string } };
    return error.data?.code !== undefined
      ? { status: 'error', code: error.data.code, message: error.message, rpcCode: error.code }
      : { error: error.message, code: error.code };
  }

  /** The next notification not read yet. */
  async notification(timeoutMs = 5000): Promise<Message> {
    await waitFor(
      () => this.notifications.length > this.#notes,
      `notification ${this.#notes + 1}`,
      timeoutMs,
    );
    return this.notifications[this.#notes++] as Message;
  }

  /** Reads notifications until one matches `pattern` (the skipped ones are returned). */
  async notificationMatching(pattern: Message, timeoutMs = 5000): Promise<Message> {
    for (;;) {
      const note = await this.notification(timeoutMs);
      if (Object.entries(pattern).every(([k, v]) => JSON.stringify(note[k]) === JSON.stringify(v)))
        return note;
    }
  }

  /** Joins with protocol 2 (unless `params` say otherwise); reads the welcome of a new join. */
  async join(username: string, params: Message = {}): Promise<Message> {
    const reply = await this.call('join_chat', { username, protocol: 2, ...params });
    if (reply.status === 'success' && reply.resumed !== true)
      expect(await this.notification()).toMatchObject({
        type: 'system',
        message: expect.stringMatching(/^Welcome/),
      });
    return reply;
  }

  /** Waits until the server has sent nothing more for a moment, then checks there is no unread notification. */
  async expectNoNotification(): Promise<void> {
    await this.call('ping');
    expect(this.unreadNotifications()).toEqual([]);
  }

  #replyList(): Message[] {
    return this.raw.messages.filter((m) => !this.#isNotification(m));
  }

  #isNotification(m: Message): boolean {
    return this.dialect === 'plain' ? 'type' in m : 'method' in m && !('id' in m);
  }

  #unwrap(m: Message): Message {
    return this.dialect === 'plain' ? m : (m.params as Message);
  }
}
