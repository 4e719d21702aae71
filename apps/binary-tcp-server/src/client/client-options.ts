/** Options, defaults and events of TcpClient. */
import type { Logger } from '@sockworks/logging';
import type { BackoffOptions } from '@sockworks/service';
import type { BroadcastFrame, Frame } from '../protocol/messages.js';

/** Defaults of {@link TcpClientOptions}. */
export const TCP_CLIENT_DEFAULTS = {
  /** @default 'localhost' */
  host: 'localhost',
  /** @default 9999 */
  port: 9999,
  /** Largest reply frame accepted (replies may be a little larger than the server's request limit). @default 2 MiB */
  maxFrameBytes: 2 * 1024 * 1024,
  /** A request without a reply this long fails and the connection is reset; 0 = no timeout. @default 10000 */
  requestTimeoutMs: 10_000,
  /** @default 5000 */
  connectTimeoutMs: 5_000,
  /** Sent as `client_info` in pings. @default 'sockworks TcpClient' */
  clientInfo: 'sockworks TcpClient',
} as const;

/** Options of {@link TcpClient}. */
export interface TcpClientOptions {
  host?: string;
  port?: number;
  maxFrameBytes?: number;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  clientInfo?: string;
  /** Reconnect after an unexpected disconnect: true for the default backoff, or backoff settings. @default false */
  reconnect?: boolean | Partial<BackoffOptions>;
  /** @default silent */
  logger?: Logger;
}

/** Events of {@link TcpClient}. */
export interface TcpClientEvents {
  /** A frame that is not a reply: a broadcast, a heartbeat, or an error the server sent unasked. */
  message: [frame: Frame];
  /** A broadcast from another client (also emitted as `message`). */
  broadcast: [frame: BroadcastFrame];
  /** Connected (also after each successful reconnection). */
  connect: [];
  /** The connection is gone; `willReconnect` says whether a reconnection is scheduled. */
  disconnect: [info: { error?: Error; willReconnect: boolean }];
  /** A reconnection attempt is scheduled. */
  reconnecting: [info: { attempt: number; delayMs: number }];
  /** A reconnection succeeded after `attempt` attempts. */
  reconnect: [info: { attempt: number }];
  /** Reconnection stopped after `maxAttempts` failures. */
  reconnect_failed: [info: { attempts: number; error?: Error }];
}
