/**
 * The browser's chat connection: the chat protocol (JSON-RPC 2.0 dialect, protocol 2) over one
 * WebSocket, with automatic reconnect (backoff with jitter) and session resume. It knows nothing of
 * the page; the app gets notifications, connection states and (re)join replies through callbacks.
 */

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline';

/** A chat notification (`params` of a `chat` notification): `type` plus its fields. */
export type Notice = { type: string } & Record<string, unknown>;

/** A join_chat reply (protocol 2). */
export interface JoinReply {
  status: 'success';
  message: string;
  users: string[];
  session: string;
  rooms: string[];
  resumed: boolean;
  recovered?: boolean;
}

/** An error reply: the chat code (`data.code`) when there is one, else the JSON-RPC code. */
export class ChatError extends Error {
  constructor(
    readonly code: string | number,
    message: string,
  ) {
    super(message);
  }
}

export interface ChatSocketEvents {
  state(state: ConnectionState, detail: string): void;
  notice(notice: Notice): void;
  /** After every successful join_chat: the first, and each reconnect (`resumed` says which kind). */
  joined(reply: JoinReply, reconnect: boolean): void;
}

const REQUEST_TIMEOUT_MS = 15_000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;

interface Pending {
  resolve(value: Record<string, unknown>): void;
  reject(error: Error): void;
  timer: number;
}

/** Compares two message ids (`<ms>-<seq>`): negative when a is older. */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}

export class ChatSocket {
  readonly #url: string;
  readonly #events: ChatSocketEvents;
  #ws: WebSocket | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #attempt = 0;
  #stopped = false;
  #joinedOnce = false;
  #retry: number | undefined;
  username = '';
  session: string | undefined;
  /** The newest message id received or sent: what a resume asks for after. */
  lastId: string | undefined;

  constructor(url: string, events: ChatSocketEvents) {
    this.#url = url;
    this.#events = events;
  }

  /** Connects and joins as `username`; resolves with the join reply (rejects with a ChatError). */
  start(username: string): Promise<JoinReply> {
    this.username = username;
    this.#stopped = false;
    return new Promise((resolve, reject) => this.#open(resolve, reject));
  }

  /** Remembers an id as seen (a resume starts after the newest). */
  saw(id: unknown): void {
    if (typeof id !== 'string') return;
    if (this.lastId === undefined || compareIds(id, this.lastId) > 0) this.lastId = id;
  }

  /** Sends a request; resolves with the result, rejects with a ChatError (or when the connection drops). */
  request(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const ws = this.#ws;
    if (ws === undefined || ws.readyState !== WebSocket.OPEN)
      return Promise.reject(new ChatError('CONNECTION_CLOSED', 'Not connected'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new ChatError('REQUEST_TIMEOUT', `${method}: no answer within ${REQUEST_TIMEOUT_MS / 1000} s`),
        );
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify({ jsonrpc: '2.0', method, params, id }));
    });
  }

  /** Stops for good (leave, or the session moved elsewhere). */
  stop(detail: string): void {
    this.#stopped = true;
    window.clearTimeout(this.#retry);
    this.#ws?.close(1000);
    this.#events.state('offline', detail);
  }

  #open(resolve?: (reply: JoinReply) => void, reject?: (error: Error) => void): void {
    this.#events.state(this.#joinedOnce ? 'reconnecting' : 'connecting', 'Connecting…');
    const ws = new WebSocket(this.#url);
    this.#ws = ws;
    ws.addEventListener('open', () => {
      const params: Record<string, unknown> = { username: this.username, protocol: 2 };
      if (this.session !== undefined) {
        params.session = this.session;
        if (this.lastId !== undefined) params.last_id = this.lastId;
      }
      this.request('join_chat', params).then(
        (result) => {
          const reply = result as unknown as JoinReply;
          this.#attempt = 0;
          this.session = reply.session;
          const joined = /^Joined chat as (.*)$/s.exec(reply.message);
          if (joined?.[1] !== undefined) this.username = joined[1];
          const reconnect = this.#joinedOnce;
          this.#joinedOnce = true;
          this.#events.state(
            'online',
            reconnect && reply.resumed ? 'Reconnected (session resumed)' : 'Connected',
          );
          this.#events.joined(reply, reconnect);
          resolve?.(reply);
        },
        (err: Error) => {
          if (!this.#joinedOnce) {
            this.#stopped = true;
            reject?.(err);
          }
          // A failed rejoin (rate limited, say) is retried on a new connection after the backoff.
          ws.close(1000);
        },
      );
    });
    ws.addEventListener('message', (event) => this.#onMessage(event.data));
    ws.addEventListener('close', () => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      for (const [id, pending] of this.#pending) {
        window.clearTimeout(pending.timer);
        pending.reject(new ChatError('CONNECTION_CLOSED', 'Connection closed'));
        this.#pending.delete(id);
      }
      if (!this.#joinedOnce && !this.#stopped) {
        this.#stopped = true;
        this.#events.state('offline', 'Could not connect');
        reject?.(new ChatError('CONNECT_FAILED', 'Could not connect to the chat server'));
        return;
      }
      if (this.#stopped) return;
      const delay =
        Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.#attempt++) * (0.5 + Math.random() / 2);
      this.#events.state('reconnecting', `Connection lost; reconnecting in ${Math.ceil(delay / 1000)} s…`);
      this.#retry = window.setTimeout(() => this.#open(), delay);
    });
  }

  #onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof message.id === 'number') {
      const pending = this.#pending.get(message.id);
      if (pending === undefined) return;
      this.#pending.delete(message.id);
      window.clearTimeout(pending.timer);
      const error = message.error as { code: number; message: string; data?: { code?: string } } | undefined;
      if (error !== undefined) pending.reject(new ChatError(error.data?.code ?? error.code, error.message));
      else pending.resolve(message.result as Record<string, unknown>);
      return;
    }
    if (message.method === 'chat' && typeof message.params === 'object' && message.params !== null) {
      const notice = message.params as Notice;
      if (notice.type === 'chat') this.saw(notice.id);
      if (notice.code === 'SESSION_TAKEN_OVER') this.stop('This session continued in another window');
      this.#events.notice(notice);
    }
  }
}
