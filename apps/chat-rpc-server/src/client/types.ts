import type { Logger } from '@sockworks/logging';
import type { BackoffOptions } from '@sockworks/service';
import type { PresenceStatus } from '../protocol/messages.js';

export type { PresenceStatus };

/** A chat message from another user (live, or replayed after a resume). */
export interface ChatEvent {
  username: string;
  message: string;
  /** The room it was posted in (absent from a server without rooms). */
  room?: string;
  /** The server's id, ordered within its room (absent from a server without rooms). */
  id?: string;
  /** When the server received it, as the server sent it. */
  timestamp?: number;
}

/** A private message (`send_private`), to us or, on another of our connections, from us. */
export interface PrivateEvent {
  id: string;
  from: string;
  to: string;
  message: string;
  timestamp?: number;
}

/** A server notice (joins, leaves, welcome, shutdown, idle timeout). */
export interface SystemEvent {
  message: string;
  /** Stable code for notices that have one (e.g. IDLE_TIMEOUT). */
  code?: string;
  /** The room it concerns (room joins and leaves). */
  room?: string;
}

/** A user's presence changed (`set_status`). */
export interface PresenceEvent {
  username: string;
  status: PresenceStatus;
  text?: string;
}

/** Another member is typing in a room. */
export interface TypingEvent {
  room: string;
  username: string;
}

/** Another member has read a room up to message `id`. */
export interface ReadEvent {
  room: string;
  username: string;
  id: string;
}

/** A user as the detailed get_users form lists it. */
export interface UserInfo {
  username: string;
  address: string;
  /** Present when the server has presence. */
  status?: PresenceStatus;
  text?: string;
}

/** Result of a successful join. */
export interface JoinResult {
  /** The name the server gave us (may carry a `_<port>` suffix if the requested one was taken). */
  username: string;
  /** Joined users, including us. */
  users: string[];
  /** The token that resumes this session after a dropped connection (absent from a server without it). */
  session?: string;
  /** True when a `session` token was accepted: same name, same rooms, missed messages replayed. */
  resumed?: boolean;
  /** After a resume: false when some missed messages had already left the server's bounded history. */
  recovered?: boolean;
  /** Rooms we are in after the join (absent from a server without rooms). */
  rooms?: string[];
}

/** Result of joining a room. */
export interface RoomJoinResult {
  /** The room's name as the server spells it. */
  room: string;
  /** Its members, including us. */
  users: string[];
}

/** A room as list_rooms lists it. */
export interface RoomEntry {
  room: string;
  /** Members online now. */
  users: number;
  /** Whether we are a member. */
  joined: boolean;
}

/** A message as the server stored it (get_history). */
export interface HistoryMessage {
  id: string;
  room: string;
  username: string;
  message: string;
  timestamp?: number;
}

/** A page of a room's history, oldest first. */
export interface HistoryResult {
  room: string;
  messages: HistoryMessage[];
  /** Older messages are stored: ask again with `before` = the first message's id. */
  hasMore: boolean;
}

/** Result of sending a room message. */
export interface SentMessage {
  /** The id the server gave the message (absent from a server without ids). */
  id?: string;
  room?: string;
}

/** Result of sending a private message. */
export interface SentPrivate {
  id: string;
  /** The recipient as the server spells the name. */
  to: string;
}

/** Options of get_history. */
export interface HistoryOptions {
  /** At most this many (the server's default is 50, its maximum 200). */
  limit?: number;
  /** Only messages before this id (paging back). */
  before?: string;
}

/** Options of the get_users calls. */
export interface UsersOptions {
  /** Only members of this room. */
  room?: string;
}

/** Events of {@link ChatClient}. */
export interface ChatClientEvents {
  /** A room message; after a resume the missed ones come first, each id once. */
  chat: [ChatEvent];
  private: [PrivateEvent];
  system: [SystemEvent];
  presence: [PresenceEvent];
  typing: [TypingEvent];
  read: [ReadEvent];
  /** The server sent a heartbeat (answered with a ping unless `answerHeartbeats` is false). */
  heartbeat: [];
  /** The connection closed (`willReconnect` when automatic reconnect takes over). */
  close: [{ willReconnect: boolean }];
  /** A reconnect attempt is scheduled. */
  reconnecting: [{ attempt: number; delayMs: number }];
  /** Connected again (and re-joined, when we had joined before: `join.resumed` says whether the session was resumed). */
  reconnected: [{ join?: JoinResult }];
  /** Something went wrong outside any request (bad server data, failed re-join, gave up reconnecting). */
  error: [Error];
}

/** Options of {@link ChatClient}. */
export interface ChatClientOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 65432 */
  port?: number;
  /**
   * Reconnect with backoff after an unexpected close and resume the session (same name, same rooms,
   * missed messages), or re-join under the same name when the server no longer knows it. @default false
   */
  reconnect?: boolean | Partial<BackoffOptions>;
  /** Reject a request whose reply takes longer (0: never). @default 10000 */
  requestTimeoutMs?: number;
  /** Longest line accepted from the server. @default 4 MiB */
  maxLineBytes?: number;
  /** Answer the server's heartbeats with a ping. @default true */
  answerHeartbeats?: boolean;
  /** Ids of our own messages remembered per room, to drop them when a resume replays them. @default 1000 */
  seenIdsPerRoom?: number;
  /** @default silent */
  logger?: Logger;
}
