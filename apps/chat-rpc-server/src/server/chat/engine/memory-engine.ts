import { type Logger, silentLogger } from '@sockworks/logging';
import { MessageIdGenerator } from '../message-id.js';
import { GENERAL_ROOM, roomKey } from '../validation.js';
import { encodeHistoryLine, HistoryFile } from './history-file.js';
import { type HistoryLimits, MemoryHistory } from './memory-history.js';
import type {
  ChatEngine,
  ChatEngineEvent,
  ClaimedSession,
  HistoryPage,
  HistorySince,
  OnlineUser,
  PresenceStatus,
  PrivateMessage,
  RoomInfo,
  RoomJoinRefusal,
  RoomRef,
  SessionRecord,
  StoredMessage,
} from './types.js';
import { roomChannel, userChannel } from './types.js';

const GENERAL_KEY = roomKey(GENERAL_ROOM);

/** Options of {@link MemoryEngine}. */
export interface MemoryEngineOptions extends HistoryLimits {
  /** Rooms that may exist at once (with members or stored history). */
  maxRooms: number;
  /** Sessions held for a resume at once; past it the oldest hold ends early. */
  maxHeldSessions: number;
  /** The append-only history file (unset: history in memory only). */
  historyFile?: string;
  /** Wall clock for message ids and timestamps. @default Date.now */
  wallClock?: () => number;
  logger?: Logger;
}

interface Room {
  readonly key: string;
  readonly name: string;
  /** Online members' user keys in the order they joined. */
  readonly members: Set<string>;
  /** Wall-clock time of the last join, leave or message: the idlest empty room is forgotten first. */
  lastActive: number;
}

interface SessionEntry {
  readonly record: SessionRecord;
  /** Set while held: when the hold ends (wall clock), and where a resume replays from. */
  held: { until: number; dropId: string } | undefined;
}

/**
 * The default engine: all chat state in this process. Every method answers synchronously, and
 * `publish` hands the event to the listener before it returns, so messages reach local clients in
 * the order their ids were assigned.
 */
export class MemoryEngine implements ChatEngine {
  readonly #options: MemoryEngineOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #ids = new MessageIdGenerator();
  readonly #history: MemoryHistory;
  #file: HistoryFile | undefined;
  #listener: (channel: string, event: ChatEngineEvent) => void = () => {};
  /** Name key → owner. */
  readonly #names = new Map<string, string>();
  /** Online users by key, in join order. */
  readonly #users = new Map<string, OnlineUser>();
  readonly #rooms = new Map<string, Room>();
  readonly #sessions = new Map<string, SessionEntry>();
  /** Held sessions by token in hold order, which is expiry order (every hold has the same TTL). */
  readonly #held = new Map<string, SessionEntry>();
  #holdTimer: NodeJS.Timeout | undefined;

  constructor(options: MemoryEngineOptions) {
    this.#options = options;
    this.#log = options.logger ?? silentLogger();
    this.#now = options.wallClock ?? Date.now;
    this.#history = new MemoryHistory(options);
  }

  /** The history file, once started with one. */
  get historyFile(): HistoryFile | undefined {
    return this.#file;
  }

  start(): void {
    const file = this.#options.historyFile;
    if (file === undefined || this.#file !== undefined) return;
    const opened = HistoryFile.open(file, this.#log);
    this.#file = opened.file;
    const { messages, sizes } = opened.loaded;
    for (const [i, message] of messages.entries()) {
      const room = this.#roomFor({ key: roomKey(message.room), name: message.room });
      if (room === undefined) continue;
      this.#ids.observe(message.id);
      this.#history.append(room.key, message, sizes[i]);
      room.lastActive = message.timestamp;
    }
    this.#pruneIdleRooms();
    if (this.#file.shouldCompact(this.#history.fileBytes)) this.#compact();
  }

  close(): void {
    if (this.#holdTimer) clearTimeout(this.#holdTimer);
    this.#holdTimer = undefined;
    this.#file?.close();
  }

  onEvent(listener: (channel: string, event: ChatEngineEvent) => void): void {
    this.#listener = listener;
  }

  // One process: every channel reaches the one listener, which knows its own subscribers.
  subscribe(): void {}
  unsubscribe(): void {}

  publish(channel: string, event: ChatEngineEvent): void {
    this.#listener(channel, event);
  }

  claimName(keys: readonly string[], owner: string): boolean {
    if (keys.some((key) => this.#names.has(key) && this.#names.get(key) !== owner)) return false;
    for (const key of keys) this.#names.set(key, owner);
    return true;
  }

  releaseName(keys: readonly string[], owner: string): void {
    for (const key of keys) if (this.#names.get(key) === owner) this.#names.delete(key);
  }

  addUser(user: OnlineUser): void {
    this.#users.set(user.key, user);
  }

  removeUser(key: string): void {
    this.#users.delete(key);
  }

  getUser(key: string): OnlineUser | undefined {
    return this.#users.get(key);
  }

  listUsers(): readonly OnlineUser[] {
    return [...this.#users.values()];
  }

  setStatus(key: string, status: PresenceStatus, text: string): void {
    const user = this.#users.get(key);
    if (user) this.#users.set(key, { ...user, status, text });
  }

  joinRoom(ref: RoomRef, userKey: string): RoomRef | RoomJoinRefusal {
    const room = this.#roomFor(ref);
    if (room === undefined) return 'server-full';
    room.members.add(userKey);
    room.lastActive = this.#now();
    return { key: room.key, name: room.name };
  }

  leaveRoom(roomKey: string, userKey: string): void {
    const room = this.#rooms.get(roomKey);
    if (!room) return;
    room.members.delete(userKey);
    room.lastActive = this.#now();
    if (room.members.size === 0 && !this.#history.has(roomKey)) this.#forget(room);
  }

  roomUsers(roomKey: string): readonly OnlineUser[] {
    const out: OnlineUser[] = [];
    for (const key of this.#rooms.get(roomKey)?.members ?? []) {
      const user = this.#users.get(key);
      if (user) out.push(user);
    }
    return out;
  }

  listRooms(): readonly RoomInfo[] {
    const out: RoomInfo[] = [];
    for (const room of this.#rooms.values()) {
      if (room.members.size === 0 && !this.#history.has(room.key)) continue;
      out.push({ key: room.key, name: room.name, users: room.members.size });
    }
    return out;
  }

  post(ref: RoomRef, draft: { username: string; message: string; from: string }): StoredMessage {
    const timestamp = this.#now();
    const message: StoredMessage = {
      type: 'chat',
      room: ref.name,
      id: this.#ids.next(timestamp),
      username: draft.username,
      message: draft.message,
      timestamp,
    };
    // On disk before anyone hears of it: what was acknowledged or delivered survives a crash.
    const fileBytes = this.#file?.append(encodeHistoryLine(message)) ?? 0;
    this.#history.append(ref.key, message, fileBytes);
    const room = this.#rooms.get(ref.key);
    if (room) room.lastActive = timestamp;
    if (this.#file?.shouldCompact(this.#history.fileBytes)) this.#compact();
    this.publish(roomChannel(ref.key), { kind: 'chat', roomKey: ref.key, message, from: draft.from });
    return message;
  }

  sendPrivate(toKey: string, draft: { from: string; to: string; message: string }): PrivateMessage {
    const timestamp = this.#now();
    const message: PrivateMessage = {
      type: 'private',
      id: this.#ids.next(timestamp),
      from: draft.from,
      to: draft.to,
      message: draft.message,
      timestamp,
    };
    this.publish(userChannel(toKey), { kind: 'private', message });
    return message;
  }

  history(roomKey: string, options: { limit: number; before?: string }): HistoryPage {
    return this.#history.page(roomKey, options.limit, options.before);
  }

  historySince(roomKey: string, afterId: string): HistorySince {
    return this.#history.since(roomKey, afterId);
  }

  latestId(): string {
    return this.#ids.last;
  }

  createSession(record: SessionRecord): void {
    this.#sessions.set(record.token, { record, held: undefined });
  }

  // The record is the caller's object: nothing to copy in one process.
  saveSession(): void {}

  holdSession(token: string, ttlMs: number, dropId: string): void {
    const entry = this.#sessions.get(token);
    if (!entry) return;
    entry.held = { until: this.#now() + ttlMs, dropId };
    this.#held.set(token, entry);
    while (this.#held.size > this.#options.maxHeldSessions) {
      const [oldest] = this.#held.keys();
      this.#log.info({ held: this.#held.size }, 'too many held sessions; ending the oldest hold early');
      this.endSession(oldest as string);
    }
    if (this.#holdTimer === undefined) this.#armHoldTimer(ttlMs);
  }

  claimSession(token: string, userKey: string): ClaimedSession | undefined {
    const entry = this.#sessions.get(token);
    if (!entry || entry.record.keys[0] !== userKey) return undefined;
    const held = entry.held;
    if (held === undefined) return { record: entry.record, live: true, dropId: undefined };
    entry.held = undefined;
    this.#held.delete(token);
    return { record: entry.record, live: false, dropId: held.dropId };
  }

  endSession(token: string): void {
    const entry = this.#sessions.get(token);
    if (!entry) return;
    this.#sessions.delete(token);
    this.#held.delete(token);
    this.releaseName(entry.record.keys, token);
  }

  /** The room, created if needed; undefined when the server is at its room limit with none to forget. */
  #roomFor(ref: RoomRef): Room | undefined {
    const existing = this.#rooms.get(ref.key);
    if (existing) return existing;
    // `general` is everyone's: it never counts against the limit.
    const general = ref.key === GENERAL_KEY;
    if (!general && this.#rooms.size >= this.#options.maxRooms && !this.#forgetIdlest()) return undefined;
    const room: Room = { key: ref.key, name: ref.name, members: new Set(), lastActive: this.#now() };
    this.#rooms.set(ref.key, room);
    return room;
  }

  /** Forgets the empty room idle longest (history included); false when every room has members. */
  #forgetIdlest(): boolean {
    let idlest: Room | undefined;
    for (const room of this.#rooms.values()) {
      if (room.members.size > 0 || room.key === GENERAL_KEY) continue;
      if (idlest === undefined || room.lastActive < idlest.lastActive) idlest = room;
    }
    if (idlest === undefined) return false;
    this.#log.info({ room: idlest.name }, 'room limit reached; forgetting the empty room idle longest');
    this.#forget(idlest);
    return true;
  }

  #forget(room: Room): void {
    this.#rooms.delete(room.key);
    this.#history.forget(room.key);
  }

  /** Rooms left with neither members nor history (their history was dropped) are gone. */
  #pruneIdleRooms(): void {
    for (const room of [...this.#rooms.values()])
      if (room.members.size === 0 && !this.#history.has(room.key)) this.#forget(room);
  }

  #compact(): void {
    const file = this.#file;
    if (!file) return;
    try {
      // A message's line is the same bytes whenever it is encoded: the live sizes stay right.
      file.rewrite(this.#lines());
    } catch (err) {
      this.#log.error({ err, file: file.path }, 'rewriting the history file failed; it stays as it is');
    }
  }

  *#lines(): Generator<Buffer> {
    for (const { message } of this.#history.messages()) yield encodeHistoryLine(message);
  }

  #armHoldTimer(ms: number): void {
    this.#holdTimer = setTimeout(() => this.#endExpiredHolds(), Math.max(1, ms));
    this.#holdTimer.unref();
  }

  #endExpiredHolds(): void {
    this.#holdTimer = undefined;
    const now = this.#now();
    for (const [token, entry] of this.#held) {
      const until = entry.held?.until ?? 0;
      if (until > now) {
        this.#armHoldTimer(until - now);
        return;
      }
      this.#log.info({ username: entry.record.username }, 'session hold expired; name released');
      this.endSession(token);
    }
  }
}
