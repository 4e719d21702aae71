import { ChatErrorCode, ProtocolError } from '@sockworks/error-codes';
import { type Logger, silentLogger, truncateForLog } from '@sockworks/logging';
import { chatMessage, type JsonObject, SystemText, systemMessage } from '../../protocol/messages.js';
import { invalidParams, paramsObject, stringParam } from '../errors.js';
import { type ChatPeer, type ChatServiceHost, defineChatMethod } from '../types.js';
import { type ChatOptions, DEFAULT_CHAT_OPTIONS, validateChatOptions } from './chat-options.js';
import { TokenBucket } from './token-bucket.js';
import { nameKeys, truncateCodePoints, validateMessage, validateUsername } from './validation.js';

/** A joined user. */
export interface ChatSession {
  readonly peer: ChatPeer;
  readonly username: string;
  /** The first of `keys`: the case-folded name. */
  readonly key: string;
  /** Every key of the name (`nameKeys`): no other joined name shares one. */
  readonly keys: readonly string[];
}

/** Per-connection state, joined or not. */
interface PeerState {
  /** Created on the first rate-limited action (a new bucket is full, as an unused one would be). */
  bucket: TokenBucket | undefined;
  session: ChatSession | undefined;
}

/** The simple get_users reply. */
export interface UsersReply extends JsonObject {
  status: 'success';
  users: string[];
  count: number;
}

/** The detailed get_users reply. */
export interface DetailedUsersReply extends JsonObject {
  status: 'success';
  message: string;
  users: { username: string; address: string }[];
  count: number;
}

/**
 * The chat rules: sessions, names, messages, rate limits. It knows peers only through
 * {@link ChatServiceHost}; it never touches a socket.
 */
export class ChatService {
  readonly #server: ChatServiceHost;
  readonly #options: ChatOptions;
  readonly #log: Logger;
  readonly #peers = new Map<ChatPeer, PeerState>();
  /** Joined sessions by name key, in join order (Map keeps insertion order). */
  readonly #byKey = new Map<string, ChatSession>();
  /** Joined sessions by each of their name keys, so look-alike names are found. */
  readonly #byNameKey = new Map<string, ChatSession>();
  /**
   * Peers that have not joined, with the Date.now() by which they must. Every peer gets the same
   * timeout, so insertion order is deadline order and one timer, armed for the oldest, serves all.
   */
  readonly #unjoined = new Map<ChatPeer, number>();
  #joinTimer: NodeJS.Timeout | undefined;

  constructor(server: ChatServiceHost, options: Partial<ChatOptions> = {}) {
    this.#options = { ...DEFAULT_CHAT_OPTIONS, ...options };
    validateChatOptions(this.#options);
    this.#server = server;
    this.#log = this.#options.logger ?? silentLogger();
    server.onConnect((peer) => this.#connected(peer));
    server.onDisconnect((peer) => this.#disconnected(peer));
    this.#registerMethods();
  }

  /** Joined sessions in join order. */
  get sessions(): readonly ChatSession[] {
    return [...this.#byKey.values()];
  }

  #registerMethods(): void {
    const t = this.#server;
    t.register(
      'join_chat',
      defineChatMethod({
        description: 'Join the chat with a username.',
        parseParams: (p) => stringParam(p, 'username'),
        handler: (username, { peer, afterReply }) => {
          const state = this.#state(peer);
          if (state.session)
            throw new ProtocolError(
              ChatErrorCode.ALREADY_JOINED,
              `Already joined as ${state.session.username}`,
            );
          this.#charge(state);
          const session = this.#admit(peer, validateUsername(username, this.#options));
          state.session = session;
          this.#unjoined.delete(peer);
          this.#log.info({ conn: peer.id, username: truncateForLog(session.username) }, 'joined');
          afterReply(() => {
            t.broadcast(systemMessage(SystemText.welcome(session.username)), [peer]);
            t.broadcast(systemMessage(SystemText.joined(session.username)), this.#othersThan(peer));
          });
          return { status: 'success', message: `Joined chat as ${session.username}`, users: this.#names() };
        },
      }),
    );
    t.register(
      'send_message',
      defineChatMethod({
        description: 'Send a chat message to every other joined user.',
        parseParams: (p) => stringParam(p, 'message'),
        handler: (raw, { peer, afterReply }) => {
          const state = this.#state(peer);
          const session = state.session;
          if (!session)
            throw new ProtocolError(
              ChatErrorCode.NOT_JOINED,
              'You must join the chat before sending messages',
            );
          this.#charge(state);
          const message = validateMessage(raw, this.#options);
          afterReply(() => t.broadcast(chatMessage(session.username, message), this.#othersThan(peer)));
          return { status: 'success', message: 'Message sent successfully' };
        },
      }),
    );
    t.register(
      'get_users',
      defineChatMethod({
        description: 'List joined users: names (default) or {"format":"detailed"} for names and addresses.',
        parseParams: (p) => {
          const format = paramsObject(p).format ?? 'simple';
          if (format !== 'simple' && format !== 'detailed')
            throw invalidParams('format must be "simple" or "detailed"');
          return format;
        },
        handler: (format): UsersReply | DetailedUsersReply => {
          if (format === 'simple')
            return { status: 'success', users: this.#names(), count: this.#byKey.size };
          const users = this.sessions.map((s) => ({ username: s.username, address: s.peer.address }));
          return { status: 'success', message: 'Users retrieved successfully', users, count: users.length };
        },
      }),
    );
    t.register(
      'leave_chat',
      defineChatMethod({
        description: 'Leave the chat; the connection stays open and may join again.',
        parseParams: (p) => paramsObject(p),
        handler: (_params, { peer, afterReply }) => {
          const state = this.#state(peer);
          const session = state.session;
          if (!session) throw new ProtocolError(ChatErrorCode.NOT_JOINED, 'You are not in the chat');
          this.#remove(state, session);
          this.#armIdle(peer);
          afterReply(() =>
            t.broadcast(systemMessage(SystemText.left(session.username)), this.#othersThan(peer)),
          );
          return { status: 'success', message: 'Left chat successfully' };
        },
      }),
    );
  }

  /**
   * Picks the final name for `requested` under the duplicate policy and records the session. Names
   * are the same when their confusable skeletons are (`nameSkeletonKey`); a suffixed name is cut to
   * `maxUsernameLength` code points by shortening the requested part at a grapheme boundary.
   */
  #admit(peer: ChatPeer, requested: string): ChatSession {
    let username = requested;
    let keys = nameKeys(username);
    if (this.#taken(keys)) {
      if (this.#options.duplicateNames === 'reject') {
        throw new ProtocolError(ChatErrorCode.USERNAME_TAKEN, 'Username already taken');
      }
      const suffix = String(peer.remotePort ?? peer.id);
      const withTail = (tail: string): string =>
        truncateCodePoints(requested, Math.max(0, this.#options.maxUsernameLength - tail.length)) + tail;
      username = withTail(`_${suffix}`);
      keys = nameKeys(username);
      // Someone may already be called "Alice_12345"; count on until the name is free.
      for (let n = 2; this.#taken(keys); n++) {
        username = withTail(`_${suffix}_${n}`);
        keys = nameKeys(username);
      }
    }
    const session: ChatSession = { peer, username, key: keys[0]!, keys };
    this.#byKey.set(session.key, session);
    for (const key of keys) this.#byNameKey.set(key, session);
    return session;
  }

  /** Whether a joined name shares one of these keys (see `nameKeys`). */
  #taken(keys: readonly string[]): boolean {
    return keys.some((key) => this.#byNameKey.has(key));
  }

  #charge(state: PeerState): void {
    const { rateBurst: burst, ratePerSecond, now } = this.#options;
    state.bucket ??= new TokenBucket({ burst, ratePerSecond, now });
    if (state.bucket.tryTake()) return;
    const wait = state.bucket.msUntilNextToken();
    throw new ProtocolError(ChatErrorCode.RATE_LIMITED, `Rate limit exceeded, retry in ${wait} ms`, {
      data: { retryAfterMs: wait },
    });
  }

  #state(peer: ChatPeer): PeerState {
    let state = this.#peers.get(peer);
    if (!state) {
      // Only reachable if a server calls a handler before onConnect; keep working regardless.
      state = this.#newState();
      this.#peers.set(peer, state);
    }
    return state;
  }

  #newState(): PeerState {
    return { bucket: undefined, session: undefined };
  }

  #connected(peer: ChatPeer): void {
    const state = this.#newState();
    this.#peers.set(peer, state);
    this.#armIdle(peer);
  }

  #disconnected(peer: ChatPeer): void {
    const state = this.#peers.get(peer);
    if (!state) return;
    this.#peers.delete(peer);
    this.#unjoined.delete(peer);
    const session = state.session;
    if (!session) return;
    this.#remove(state, session);
    this.#log.info(
      { conn: peer.id, username: truncateForLog(session.username) },
      'disconnected while joined',
    );
    this.#server.broadcast(systemMessage(SystemText.left(session.username)), this.#othersThan(peer));
  }

  #remove(state: PeerState, session: ChatSession): void {
    state.session = undefined;
    if (this.#byKey.get(session.key) === session) this.#byKey.delete(session.key);
    for (const key of session.keys) if (this.#byNameKey.get(key) === session) this.#byNameKey.delete(key);
  }

  /** Starts the join deadline of a peer that is not (or no longer) joined. */
  #armIdle(peer: ChatPeer): void {
    const ms = this.#options.joinTimeoutMs;
    if (ms <= 0) return;
    this.#unjoined.delete(peer);
    this.#unjoined.set(peer, Date.now() + ms);
    if (this.#joinTimer === undefined) this.#armJoinTimer(ms);
  }

  #armJoinTimer(ms: number): void {
    this.#joinTimer = setTimeout(() => this.#closeLateJoiners(), ms);
    this.#joinTimer.unref();
  }

  /** Closes every peer whose join deadline has passed; re-arms for the next one. */
  #closeLateJoiners(): void {
    this.#joinTimer = undefined;
    const now = Date.now();
    let notice: JsonObject | undefined;
    for (const [peer, deadline] of this.#unjoined) {
      if (deadline > now) {
        this.#armJoinTimer(deadline - now);
        return;
      }
      this.#unjoined.delete(peer);
      this.#log.info({ conn: peer.id }, 'closing: did not join in time');
      notice ??= systemMessage(
        SystemText.idleTimeout(this.#options.joinTimeoutMs),
        ChatErrorCode.IDLE_TIMEOUT,
      );
      peer.close(notice);
    }
  }

  #names(): string[] {
    return this.sessions.map((s) => s.username);
  }

  /** Joined peers except `peer`, for broadcasts. */
  *#othersThan(peer: ChatPeer): Generator<ChatPeer> {
    for (const s of this.#byKey.values()) if (s.peer !== peer) yield s.peer;
  }
}
