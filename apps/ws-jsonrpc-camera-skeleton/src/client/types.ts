import type { ProtocolError } from '@sockworks/error-codes';
import type { BackoffOptions } from '@sockworks/service';

/**
 * Backoff of the automatic reconnect (`@sockworks/service`'s `BackoffOptions`): defaults 100 ms
 * doubling to 5 s, half of each delay random, never giving up.
 */
export type ReconnectOptions = Partial<BackoffOptions>;

/** Options of {@link WsRpcClient}. */
export interface WsRpcClientOptions {
  /** Server URL, e.g. `ws://127.0.0.1:8002/ws`. */
  url: string;
  /** Default timeout of `call()` and `batch()`. @default 5000 */
  timeoutMs?: number;
  /** Reconnect after a connection that was open drops (`false` to disable). @default true */
  reconnect?: boolean | ReconnectOptions;
  /** Bearer token sent as `Authorization: Bearer <token>` on the upgrade. @default undefined */
  authToken?: string;
  /** Extra upgrade request headers. @default {} */
  headers?: Record<string, string>;
  /** `Origin` header of the upgrade request. @default undefined */
  origin?: string;
  /** Largest reply frame accepted. @default 16 MiB */
  maxPayload?: number;
  /** Called each time a connection opens (first connect and every reconnect). */
  onOpen?: () => void;
  /** Called each time the connection closes, with the close code and reason. */
  onClose?: (code: number, reason: string) => void;
  /** Called before each reconnect attempt. */
  onReconnecting?: (attempt: number, delayMs: number) => void;
}

/** One entry of a batch; `notify: true` sends it without an id (no result). */
export interface BatchEntry {
  method: string;
  params?: unknown;
  notify?: boolean;
}

/** The outcome of one non-notification batch entry, in the order the entries were given. */
export type BatchResult<R = unknown> = { ok: true; result: R } | { ok: false; error: ProtocolError };

/** Per-call options. */
export interface CallOptions {
  /** Overrides the client's default timeout. */
  timeoutMs?: number;
}
