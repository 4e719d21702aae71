import { type Logger, silentLogger } from '@sockworks/logging';
import type { JsonObject } from '../../protocol/messages.js';
import type { ChatPeer, ChatServiceHost } from '../types.js';
import { ChatCore, type ChatSession, newPeerState } from './chat-core.js';
import { type ChatOptions, DEFAULT_CHAT_OPTIONS, validateChatOptions } from './chat-options.js';
import { MemoryEngine } from './engine/memory-engine.js';
import type { ChatEngine } from './engine/types.js';
import type { MaybePromise } from './flow.js';
import { LocalHub } from './local-hub.js';
import { registerMessageMethods } from './message-methods.js';
import { registerRoomMethods } from './room-methods.js';
import { SessionMethods } from './session-methods.js';
import { registerUserMethods } from './user-methods.js';

export type { ChatSession } from './chat-core.js';

/** The simple get_users reply. */
export interface UsersReply extends JsonObject {
  status: 'success';
  users: string[];
  count: number;
}

/** The detailed get_users reply (statuses for protocol-2 callers and with `room`). */
export interface DetailedUsersReply extends JsonObject {
  status: 'success';
  message: string;
  users: { username: string; address: string; status?: string; text?: string }[];
  count: number;
}

/**
 * The chat rules: sessions, names, rooms, messages, presence, rate limits. State that every instance
 * shares lives in the {@link ChatEngine} (in memory by default); this class knows peers only through
 * {@link ChatServiceHost} and never touches a socket.
 */
export class ChatService {
  readonly #core: ChatCore;

  constructor(server: ChatServiceHost, options: Partial<ChatOptions> = {}) {
    const o: ChatOptions = { ...DEFAULT_CHAT_OPTIONS, ...options };
    validateChatOptions(o);
    const log: Logger = o.logger ?? silentLogger();
    const engine =
      o.engine ??
      new MemoryEngine({
        perRoom: o.historySize,
        maxBytes: o.historyMaxBytes,
        maxRooms: o.maxRooms,
        maxHeldSessions: o.maxHeldSessions,
        historyFile: o.historyFile,
        logger: log,
      });
    const hub = new LocalHub(server, engine, log, (member) => sessions.takenOver(member));
    const core = new ChatCore(server, engine, hub, o, log);
    const sessions = new SessionMethods(core);
    this.#core = core;
    sessions.register();
    registerMessageMethods(core);
    registerUserMethods(core);
    registerRoomMethods(core);
    server.onConnect((peer) => {
      core.peers.set(peer, newPeerState());
      core.deadlines.arm(peer);
    });
    server.onDisconnect((peer) => {
      const state = core.peers.get(peer);
      if (!state) return;
      core.peers.delete(peer);
      core.deadlines.clear(peer);
      sessions.disconnected(peer, state);
    });
  }

  /** Joined sessions of this instance in join order. */
  get sessions(): readonly ChatSession[] {
    return [...this.#core.joined.values()];
  }

  /** The connection of this instance whose joined user holds session `token`, if any. */
  peerOfSession(token: string): ChatPeer | undefined {
    for (const session of this.#core.joined.values()) if (session.record.token === token) return session.peer;
    return undefined;
  }

  /** The engine holding the shared state. */
  get engine(): ChatEngine {
    return this.#core.engine;
  }

  /** Loads persistent state (the history file); before serving. */
  start(): MaybePromise<void> {
    return this.#core.engine.start();
  }

  /** Releases the engine (flushes and closes the history file); after the connections are gone. */
  close(): MaybePromise<void> {
    return this.#core.engine.close();
  }
}
