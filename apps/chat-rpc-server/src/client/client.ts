import { EventEmitter } from 'node:events';
import { ChatErrorCode, ClientErrorCode } from '@sockworks/error-codes';
import { type Logger, silentLogger } from '@sockworks/logging';
import { BACKOFF_DEFAULTS, type BackoffOptions, backoffDelay } from '@sockworks/service';
import { DEFAULT_HOST, DEFAULT_PORT } from '../protocol/constants.js';
import { ClientConnection, type WireObject } from './connection.js';
import { clientError } from './errors.js';
import {
  chatEvent,
  historyResult,
  joinResult,
  presenceEvent,
  privateEvent,
  readEvent,
  roomEntries,
  str,
  strings,
  systemEvent,
  typingEvent,
  userInfos,
} from './parse.js';
import { compareIds, ResumeState } from './resume.js';
import type {
  ChatClientEvents,
  ChatClientOptions,
  ChatEvent,
  HistoryOptions,
  HistoryResult,
  JoinResult,
  PresenceStatus,
  RoomEntry,
  RoomJoinResult,
  SentMessage,
  SentPrivate,
  UserInfo,
  UsersOptions,
} from './types.js';

/** The most history a catch-up asks for (the server's maximum page). */
const CATCH_UP_LIMIT = 200;
/** Most requests one paged list may take. */
const MAX_PAGES = 100;
/** Most room messages held back while a resume is under way; past it they are let through. */
const MAX_HELD = 10_000;

/**
 * A client for the chat server (protocol 2): one method per protocol method, broadcasts as typed
 * events, and a session that survives a dropped connection: same name, same rooms, the messages
 * sent meanwhile delivered before live ones, none twice.
 */
export class ChatClient extends EventEmitter<ChatClientEvents> {
  readonly #host: string;
  readonly #port: number;
  readonly #backoff: BackoffOptions | undefined;
  readonly #timeoutMs: number;
  readonly #maxLineBytes: number;
  readonly #answerHeartbeats: boolean;
  readonly #log: Logger;
  readonly #resume: ResumeState;
  #conn: ClientConnection | undefined;
  #username: string | undefined;
  /** The name to re-join with after a reconnect (what join() was asked for). */
  #wantedName: string | undefined;
  /** The name the server gave us last: the session holds it while we are away. */
  #sessionName: string | undefined;
  #closedByUser = false;
  /** Room messages held back while a resume is under way (undefined: deliver at once). */
  #held: ChatEvent[] | undefined;
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
    this.#resume = new ResumeState(options.seenIdsPerRoom ?? 1000);
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
    return this.#conn?.open === true;
  }

  /** Rooms we are in, as the server spells them (kept across a resume). */
  get rooms(): string[] {
    return this.#resume.rooms;
  }

  /** The session token of the last join, if the server gave one. */
  get session(): string | undefined {
    return this.#resume.session;
  }

  /** Opens the connection; rejects with CONNECT_FAILED. */
  async connect(): Promise<void> {
    this.#closedByUser = false;
    await this.#open();
  }

  /**
   * Joins; resolves with the name the server gave us and the user list. When this client holds the
   * session of an earlier join under the same name (its connection dropped), it resumes it: same
   * name, same rooms, and the messages missed meanwhile come as `chat` events before live ones,
   * none twice. If the server no longer knows the session (restarted, or away past its TTL), the
   * client enters the rooms again and fetches what it missed from their history.
   */
  async join(username: string): Promise<JoinResult> {
    const session = username === this.#wantedName ? this.#resume.session : undefined;
    if (session === undefined) {
      this.#resume.reset();
      const result = joinResult(await this.request('join_chat', { username, protocol: 2 }), username);
      this.#joined(username, result);
      this.#resume.setRooms(result.rooms ?? []);
      return result;
    }
    // Replayed and live messages are held until the rejoin is complete, then delivered in order.
    this.#held = [];
    try {
      const params: WireObject = { username: this.#sessionName ?? username, protocol: 2, session };
      const lastId = this.#resume.resumeFrom();
      if (lastId !== undefined) params.last_id = lastId;
      const result = joinResult(await this.request('join_chat', params), username);
      this.#joined(username, result);
      if (result.resumed) this.#resume.setRooms(result.rooms ?? []);
      else await this.#recover(result);
      return result;
    } finally {
      this.#release();
    }
  }

  /** Joins a room (room names compare case-insensitively); resolves with its members. */
  async joinRoom(room: string): Promise<RoomJoinResult> {
    const reply = await this.request('join_room', { room });
    const result = { room: str(reply.room) ?? room, users: strings(reply.users) };
    this.#resume.joined(result.room);
    return result;
  }

  /** Leaves a room (not `general`: leave() leaves the chat). */
  async leaveRoom(room: string): Promise<void> {
    const reply = await this.request('leave_room', { room });
    this.#resume.left(str(reply.room) ?? room);
  }

  /** Every room with its member count and whether we are in it (`general` first, then by name). */
  async listRooms(): Promise<RoomEntry[]> {
    return roomEntries(await this.#allPages('list_rooms', {}, 'rooms'));
  }

  /** Posts a message to `room` (default: `general`, where every joined user is); resolves with its id. */
  async sendMessage(message: string, room?: string): Promise<SentMessage> {
    const reply = await this.request('send_message', room === undefined ? { message } : { message, room });
    const id = str(reply.id);
    const where = str(reply.room) ?? room;
    if (id === undefined || where === undefined) return {};
    this.#resume.sent(where, id);
    return { id, room: where };
  }

  /** Sends a chat message to the other users (the spec's call: room `general`). */
  async send(message: string): Promise<void> {
    await this.sendMessage(message);
  }

  /** Sends a private message to one online user (USER_NOT_FOUND otherwise); resolves with its id. */
  async sendPrivate(to: string, message: string): Promise<SentPrivate> {
    const reply = await this.request('send_private', { to, message });
    return { id: String(reply.id ?? ''), to: str(reply.to) ?? to };
  }

  /** A room's latest messages (or those before `before`), oldest first; members only. */
  async getHistory(room: string, options: HistoryOptions = {}): Promise<HistoryResult> {
    const params: WireObject = { room };
    if (options.limit !== undefined) params.limit = options.limit;
    if (options.before !== undefined) params.before = options.before;
    return historyResult(await this.request('get_history', params), room);
  }

  /** Sets our presence, shown to everyone sharing a room with us. */
  async setStatus(status: PresenceStatus, text?: string): Promise<void> {
    await this.request('set_status', text === undefined ? { status } : { status, text });
  }

  /** Tells the other members of `room` that we are typing (one per second and room, else RATE_LIMITED). */
  async typing(room: string): Promise<void> {
    await this.request('typing', { room });
  }

  /** Tells the other members of `room` that we have read it up to message `id`. */
  async markRead(room: string, id: string): Promise<void> {
    await this.request('mark_read', { room, id });
  }

  /** Names of the joined users (of one room with `room`). */
  async getUsers(options: UsersOptions = {}): Promise<string[]> {
    return strings((await this.#allPages('get_users', { ...options }, 'users')).users);
  }

  /** Names, addresses and presence of the joined users (of one room with `room`). */
  async getUsersDetailed(options: UsersOptions = {}): Promise<UserInfo[]> {
    return userInfos(await this.#allPages('get_users', { format: 'detailed', ...options }, 'users'));
  }

  /** Leaves the chat and ends the session; the connection stays open. */
  async leave(): Promise<void> {
    await this.request('leave_chat', {});
    this.#username = undefined;
    this.#wantedName = undefined;
    this.#sessionName = undefined;
    this.#resume.reset();
  }

  /** Closes the connection (no reconnect); resolves once the socket is closed. */
  async disconnect(): Promise<void> {
    this.#closedByUser = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    await this.#conn?.end();
  }

  /**
   * Sends one request and resolves with its success reply; rejects with a ProtocolError carrying
   * the server's code (string business codes, numeric JSON-RPC codes) or a ClientErrorCode.
   */
  request(method: string, params: Record<string, unknown> = {}): Promise<WireObject> {
    const conn = this.#conn;
    if (!conn) return Promise.reject(clientError(ClientErrorCode.CONNECTION_CLOSED, 'not connected'));
    return conn.request(method, params);
  }

  /**
   * A list the server pages (`has_more`; the next page from `offset` = the items so far), all of it
   * as one reply: at most {@link MAX_PAGES} requests, which at the server's page size is far more
   * than its room and connection limits allow.
   */
  async #allPages(method: string, params: WireObject, key: string): Promise<WireObject> {
    const items: unknown[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const reply = await this.request(method, page === 0 ? params : { ...params, offset: items.length });
      const list = reply[key];
      if (!Array.isArray(list)) return reply;
      items.push(...list);
      if (reply.has_more !== true || list.length === 0) break;
    }
    return { [key]: items };
  }

  /** Records a successful join. */
  #joined(username: string, result: JoinResult): void {
    this.#username = result.username;
    this.#sessionName = result.username;
    this.#wantedName = username;
    this.#resume.session = result.session;
  }

  /**
   * After a resume the server refused (a new session): enters our other rooms again and delivers,
   * per room, what its history holds after the last message we had. Sets `result.recovered`.
   */
  async #recover(result: JoinResult): Promise<void> {
    const fallback = this.#resume.resumeFrom();
    let recovered = true;
    for (const room of this.#resume.rooms) {
      try {
        if (!(result.rooms ?? []).some((r) => r.toLowerCase() === room.toLowerCase()))
          await this.joinRoom(room);
        const after = this.#resume.lastId(room) ?? fallback;
        if (after === undefined) continue;
        const page = await this.getHistory(room, { limit: CATCH_UP_LIMIT });
        const first = page.messages[0];
        // The page starts after what we had and older messages exist: some are gone for good.
        if (page.hasMore && first && (compareIds(first.id, after) ?? 1) > 0) recovered = false;
        for (const m of page.messages) {
          if ((compareIds(m.id, after) ?? 1) > 0 && this.#resume.accept(m.room, m.id)) this.emit('chat', m);
        }
      } catch (err) {
        recovered = false;
        this.#resume.left(room);
        this.emit('error', err instanceof Error ? err : new Error(String(err)));
      }
    }
    result.rooms = this.#resume.rooms;
    result.recovered = recovered;
  }

  /** Delivers the room messages held back during a resume, in arrival order, and stops holding. */
  #release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const event of held) this.#deliverChat(event);
  }

  /** Emits a room message unless it is one we already have (a replay brings back what we sent). */
  #deliverChat(event: ChatEvent): void {
    if (event.room !== undefined && event.id !== undefined && !this.#resume.accept(event.room, event.id))
      return;
    this.emit('chat', event);
  }

  async #open(): Promise<void> {
    const conn = await ClientConnection.open(
      {
        host: this.#host,
        port: this.#port,
        timeoutMs: this.#timeoutMs,
        maxLineBytes: this.#maxLineBytes,
        log: this.#log,
      },
      {
        onBroadcast: (message) => this.#onBroadcast(message),
        onError: (err) => this.emit('error', err),
        onClose: () => this.#onClose(conn),
      },
    );
    if (this.#closedByUser) {
      // disconnect() was called while this connection was being set up.
      conn.destroy();
      throw clientError(ClientErrorCode.CONNECTION_CLOSED, 'disconnected while connecting');
    }
    this.#conn = conn;
  }

  #onBroadcast(message: WireObject): void {
    switch (message.type) {
      case 'chat': {
        const event = chatEvent(message);
        if (this.#held && this.#held.length < MAX_HELD) this.#held.push(event);
        else this.#deliverChat(event);
        return;
      }
      case 'private': {
        const event = privateEvent(message);
        if (event) this.emit('private', event);
        return;
      }
      case 'system': {
        const event = systemEvent(message);
        // Our session now lives on another connection: reconnecting would take it back and forth.
        if (event.code === ChatErrorCode.SESSION_TAKEN_OVER) this.#closedByUser = true;
        this.emit('system', event);
        return;
      }
      case 'presence': {
        const event = presenceEvent(message);
        if (event) this.emit('presence', event);
        return;
      }
      case 'typing':
        this.emit('typing', typingEvent(message));
        return;
      case 'read':
        this.emit('read', readEvent(message));
        return;
      case 'heartbeat':
        if (this.#answerHeartbeats) this.request('ping').catch(() => {});
        this.emit('heartbeat');
        return;
      default:
        this.#log.debug({ type: message.type }, 'broadcast of an unknown type');
    }
  }

  #onClose(conn: ClientConnection): void {
    if (this.#conn !== conn) return;
    this.#conn = undefined;
    this.#username = undefined;
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

  /** Re-joins after a reconnect: join() resumes the session (or rebuilds it) under the same name. */
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
