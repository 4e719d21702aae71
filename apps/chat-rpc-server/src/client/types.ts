import type { Logger } from '@sockworks/logging';
import type { BackoffOptions } from '@sockworks/service';

/** A chat message from another user. */
export interface ChatEvent {
  username: string;
  message: string;
}

/** A server notice (joins, leaves, welcome, shutdown, idle timeout). */
export interface SystemEvent {
  message: string;
  /** Stable code for notices that have one (e.g. IDLE_TIMEOUT). */
  code?: string;
}

/** A user as the detailed get_users form lists it. */
export interface UserInfo {
  username: string;
  address: string;
}

/** Result of a successful join. */
export interface JoinResult {
  /** The name the server gave us (may carry a `_<port>` suffix if the requested one was taken). */
  username: string;
  /** Joined users, including us. */
  users: string[];
}

/** Events of {@link ChatClient}. */
export interface ChatClientEvents {
  chat: [ChatEvent];
  system: [SystemEvent];
  /** The server sent a heartbeat (answered with a ping unless `answerHeartbeats` is false). */
  heartbeat: [];
  /** The connection closed (`willReconnect` when automatic reconnect takes over). */
  close: [{ willReconnect: boolean }];
  /** A reconnect attempt is scheduled. */
  reconnecting: [{ attempt: number; delayMs: number }];
  /** Connected again (and re-joined, when we had joined before). */
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
  /** Reconnect with backoff after an unexpected close, and re-join under the same name. @default false */
  reconnect?: boolean | Partial<BackoffOptions>;
  /** Reject a request whose reply takes longer (0: never). @default 10000 */
  requestTimeoutMs?: number;
  /** Longest line accepted from the server. @default 4 MiB */
  maxLineBytes?: number;
  /** Answer the server's heartbeats with a ping. @default true */
  answerHeartbeats?: boolean;
  /** @default silent */
  logger?: Logger;
}
