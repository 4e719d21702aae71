import type { PresenceStatus, PrivateChatMessage, RoomChatMessage } from '../../../protocol/messages.js';
import type { MaybePromise } from '../flow.js';

export type { PresenceStatus };

/** The statuses `set_status` accepts. */
export const PRESENCE_STATUSES: readonly PresenceStatus[] = ['online', 'away', 'busy'];

/** 1: the spec's protocol; 2: rooms, history, resume, presence (issue 16). */
export type ProtocolLevel = 1 | 2;

/** A room: its key (the case-folded name every lookup uses) and the spelling it was created with. */
export interface RoomRef {
  readonly key: string;
  readonly name: string;
}

/**
 * A stored chat message, which is also its protocol-2 wire form: history replies, replays and
 * deliveries all send this one object, so a message costs memory once however many rooms,
 * recipients and replays see it.
 */
export type StoredMessage = RoomChatMessage;

/** A private message (its wire form). */
export type PrivateMessage = PrivateChatMessage;

/** A joined user as every instance sees it. */
export interface OnlineUser {
  readonly key: string;
  readonly username: string;
  readonly address: string;
  readonly protocol: ProtocolLevel;
  readonly status: PresenceStatus;
  readonly text: string;
}

/** What a session remembers, so a resume (on any instance) restores it. */
export interface SessionRecord {
  readonly token: string;
  readonly username: string;
  /** The name's keys (`nameKeys`), all owned by `token` in the name registry. */
  readonly keys: readonly string[];
  readonly protocol: ProtocolLevel;
  /** Rooms the user is in, `general` included. */
  rooms: RoomRef[];
  status: PresenceStatus;
  text: string;
}

/** A held session handed back by {@link ChatEngine.claimSession}. */
export interface ClaimedSession {
  readonly record: SessionRecord;
  /** True when it was still attached to a connection (which must now be taken over). */
  readonly live: boolean;
  /** Held sessions: an id no smaller than that of any message stored before the connection dropped. */
  readonly dropId: string | undefined;
}

/** One page of a room's history, oldest first. */
export interface HistoryPage {
  readonly messages: readonly StoredMessage[];
  /** Older messages are stored (before the first one returned). */
  readonly hasMore: boolean;
}

/** A room's messages after an id, oldest first. */
export interface HistorySince {
  readonly messages: readonly StoredMessage[];
  /** False when some messages after the id were already dropped from the bounded history. */
  readonly complete: boolean;
}

/** A room as `list_rooms` shows it. */
export interface RoomInfo extends RoomRef {
  /** Members online now. */
  readonly users: number;
}

/**
 * What goes through the engine's channels (`room:<key>` and `user:<key>`): plain JSON data, so an
 * engine may carry it over Redis pub/sub. `from` is the sender's user key: it does not get its own.
 */
export type ChatEngineEvent =
  | {
      readonly kind: 'chat';
      readonly roomKey: string;
      readonly message: StoredMessage;
      readonly from: string;
    }
  | { readonly kind: 'notice'; readonly text: string; readonly room?: string; readonly from?: string }
  | { readonly kind: 'typing'; readonly room: string; readonly username: string; readonly from: string }
  | {
      readonly kind: 'read';
      readonly room: string;
      readonly username: string;
      readonly id: string;
      readonly from: string;
    }
  | {
      readonly kind: 'presence';
      readonly username: string;
      readonly status: PresenceStatus;
      readonly text: string;
      readonly from: string;
    }
  | { readonly kind: 'private'; readonly message: PrivateMessage }
  /** The session `token` was resumed by attachment `by`: whoever else holds it lets go. */
  | { readonly kind: 'takeover'; readonly token: string; readonly by: string };

/** The channel of a room's events. */
export function roomChannel(roomKey: string): string {
  return `room:${roomKey}`;
}

/** The channel of events addressed to one user (private messages, session takeover). */
export function userChannel(userKey: string): string {
  return `user:${userKey}`;
}

/** Why {@link ChatEngine.joinRoom} refused. */
export type RoomJoinRefusal = 'server-full';

/**
 * Membership, fan-out, history, presence, the name registry and sessions of the chat, behind one
 * interface: the in-memory engine serves one process; an engine on shared storage (Redis, issue 17)
 * makes several instances one chat. Every method may answer now or later ({@link MaybePromise});
 * the chat rules (validation, permissions, rate limits) are not the engine's business.
 *
 * Fan-out: `publish` sends an event to everyone subscribed to its channel on any instance, in
 * publish order per channel; each instance subscribes once per channel (not once per client) and
 * hands events to the listener set with `onEvent`, which delivers them to its local clients.
 */
export interface ChatEngine {
  /** Loads persistent state (the history file); called once before serving. */
  start(): MaybePromise<void>;
  /** Flushes and releases everything; idempotent. */
  close(): MaybePromise<void>;

  /** Where this instance's events go (one listener). */
  onEvent(listener: (channel: string, event: ChatEngineEvent) => void): void;
  subscribe(channel: string): MaybePromise<void>;
  unsubscribe(channel: string): MaybePromise<void>;
  publish(channel: string, event: ChatEngineEvent): MaybePromise<void>;

  /** Claims every key of a name for `owner`, atomically: all of them, or none when any is owned. */
  claimName(keys: readonly string[], owner: string): MaybePromise<boolean>;
  /** Releases the keys `owner` holds. */
  releaseName(keys: readonly string[], owner: string): MaybePromise<void>;

  /** Lists `user` as online (replacing the entry with the same key in place, e.g. after a takeover). */
  addUser(user: OnlineUser): MaybePromise<void>;
  removeUser(key: string): MaybePromise<void>;
  getUser(key: string): MaybePromise<OnlineUser | undefined>;
  /** Online users in join order. */
  listUsers(): MaybePromise<readonly OnlineUser[]>;
  setStatus(key: string, status: PresenceStatus, text: string): MaybePromise<void>;

  /**
   * Adds the user to the room's members, creating the room if needed (at the server's room limit,
   * by forgetting the empty room idle longest). Resolves with the room's spelling, or a refusal.
   */
  joinRoom(room: RoomRef, userKey: string): MaybePromise<RoomRef | RoomJoinRefusal>;
  leaveRoom(roomKey: string, userKey: string): MaybePromise<void>;
  /** The room's online members in the order they joined it. */
  roomUsers(roomKey: string): MaybePromise<readonly OnlineUser[]>;
  listRooms(): MaybePromise<readonly RoomInfo[]>;

  /** Stores a chat message (assigning its id) and publishes it on the room's channel. */
  post(
    room: RoomRef,
    message: { username: string; message: string; from: string },
  ): MaybePromise<StoredMessage>;
  /** Assigns an id to a private message and publishes it on the recipient's channel. */
  sendPrivate(
    toKey: string,
    message: { from: string; to: string; message: string },
  ): MaybePromise<PrivateMessage>;
  /** The room's latest `limit` messages, or the latest before `before`. */
  history(roomKey: string, options: { limit: number; before?: string }): MaybePromise<HistoryPage>;
  /** Every stored message of the room after `afterId`. */
  historySince(roomKey: string, afterId: string): MaybePromise<HistorySince>;
  /** An id no smaller than that of any message stored so far. */
  latestId(): MaybePromise<string>;

  /** Records a new session, attached to a connection. */
  createSession(record: SessionRecord): MaybePromise<void>;
  /** Stores changes to a session's rooms or status. */
  saveSession(record: SessionRecord): MaybePromise<void>;
  /**
   * The connection of a session dropped: hold it for `ttlMs` (its name stays claimed), then end it.
   * `dropId` is where a resume without `last_id` replays from.
   */
  holdSession(token: string, ttlMs: number, dropId: string): MaybePromise<void>;
  /**
   * Hands session `token` to a new connection when it was issued for the name with key `userKey`:
   * a held session stops being held, a live one is reported as such (the caller takes it over).
   * Undefined for an unknown, expired or ended session, or another name's.
   */
  claimSession(token: string, userKey: string): MaybePromise<ClaimedSession | undefined>;
  /** Ends a session and releases its name. */
  endSession(token: string): MaybePromise<void>;
}
