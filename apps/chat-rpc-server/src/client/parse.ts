import type { WireObject } from './connection.js';
import type {
  ChatEvent,
  HistoryMessage,
  HistoryResult,
  JoinResult,
  PresenceEvent,
  PresenceStatus,
  PrivateEvent,
  ReadEvent,
  RoomEntry,
  SystemEvent,
  TypingEvent,
  UserInfo,
} from './types.js';

// What the server sends, as typed values. A field of the wrong type is left out (or, where the
// event needs it, the event is dropped): a server bug must not reach the application as a crash.

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);
const objects = (v: unknown): WireObject[] =>
  Array.isArray(v) ? v.filter((x): x is WireObject => typeof x === 'object' && x !== null) : [];

const STATUSES: ReadonlySet<unknown> = new Set<PresenceStatus>(['online', 'away', 'busy']);
const status = (v: unknown): PresenceStatus | undefined =>
  STATUSES.has(v) ? (v as PresenceStatus) : undefined;

/** Copies the optional fields that are present with the right type. */
function withOptional<T extends object>(base: T, extra: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(extra))
    if (value !== undefined) Object.assign(base, { [key]: value });
  return base;
}

export function chatEvent(m: WireObject): ChatEvent {
  return withOptional(
    { username: String(m.username ?? ''), message: String(m.message ?? '') },
    { room: str(m.room), id: str(m.id), timestamp: num(m.timestamp) },
  );
}

export function privateEvent(m: WireObject): PrivateEvent | undefined {
  const id = str(m.id);
  if (id === undefined) return undefined;
  return withOptional(
    { id, from: String(m.from ?? ''), to: String(m.to ?? ''), message: String(m.message ?? '') },
    { timestamp: num(m.timestamp) },
  );
}

export function systemEvent(m: WireObject): SystemEvent {
  return withOptional({ message: String(m.message ?? '') }, { code: str(m.code), room: str(m.room) });
}

export function presenceEvent(m: WireObject): PresenceEvent | undefined {
  const s = status(m.status);
  if (s === undefined) return undefined;
  return withOptional({ username: String(m.username ?? ''), status: s }, { text: str(m.text) });
}

export function typingEvent(m: WireObject): TypingEvent {
  return { room: String(m.room ?? ''), username: String(m.username ?? '') };
}

export function readEvent(m: WireObject): ReadEvent {
  return { room: String(m.room ?? ''), username: String(m.username ?? ''), id: String(m.id ?? '') };
}

/** A join_chat reply. The server names the final name in its message ("Joined chat as Alice_53412"). */
export function joinResult(reply: WireObject, requested: string): JoinResult {
  const message = String(reply.message ?? '');
  const prefix = 'Joined chat as ';
  const username = message.startsWith(prefix) ? message.slice(prefix.length) : requested;
  return withOptional(
    { username, users: strings(reply.users) },
    {
      session: str(reply.session),
      resumed: bool(reply.resumed),
      recovered: bool(reply.recovered),
      rooms: Array.isArray(reply.rooms) ? strings(reply.rooms) : undefined,
    },
  );
}

export function userInfos(reply: WireObject): UserInfo[] {
  return objects(reply.users).map((u) =>
    withOptional(
      { username: String(u.username ?? ''), address: String(u.address ?? '') },
      { status: status(u.status), text: str(u.text) },
    ),
  );
}

export function roomEntries(reply: WireObject): RoomEntry[] {
  return objects(reply.rooms).map((r) => ({
    room: String(r.room ?? ''),
    users: num(r.users) ?? 0,
    joined: r.joined === true,
  }));
}

export function historyResult(reply: WireObject, room: string): HistoryResult {
  const messages = objects(reply.messages).map(
    (m): HistoryMessage =>
      withOptional(
        {
          id: String(m.id ?? ''),
          room: str(m.room) ?? room,
          username: String(m.username ?? ''),
          message: String(m.message ?? ''),
        },
        { timestamp: num(m.timestamp) },
      ),
  );
  return { room: str(reply.room) ?? room, messages, hasMore: reply.has_more === true };
}

export { str, strings };
