import Denque from 'denque';
import { compareMessageIds } from '../message-id.js';
import type { HistoryPage, HistorySince, StoredMessage } from './types.js';

/** Bounds of the stored history. */
export interface HistoryLimits {
  /** Messages kept per room (0: none). */
  perRoom: number;
  /** Approximate memory of all stored messages; past it the server's oldest messages go first. */
  maxBytes: number;
}

interface Entry {
  readonly roomKey: string;
  readonly message: StoredMessage;
  /** Approximate memory of the message. */
  readonly bytes: number;
  /** Its size in the history file (0 without one), for the file's compaction. */
  readonly fileBytes: number;
  dropped: boolean;
}

interface RoomLog {
  readonly entries: Denque<Entry>;
  /** Id of the newest message dropped from this room (undefined: none ever was). */
  droppedUpTo: string | undefined;
}

// Strings are UTF-16 in memory; the rest covers the object, its fields and the two queue slots.
const ENTRY_OVERHEAD_BYTES = 200;

function entryBytes(message: StoredMessage): number {
  return ENTRY_OVERHEAD_BYTES + 2 * (message.message.length + message.username.length + message.room.length);
}

/**
 * Every room's latest messages, in memory: at most `perRoom` per room and about `maxBytes` in all.
 * Ids increase across rooms, so the server's oldest message is always the oldest of its room: one
 * queue of all messages in arrival order finds what the byte limit drops first. Messages a room's
 * own limit dropped stay in that queue as tombstones until it is rebuilt (when they are the majority).
 */
export class MemoryHistory {
  readonly #limits: HistoryLimits;
  readonly #rooms = new Map<string, RoomLog>();
  #all = new Denque<Entry>();
  #tombstones = 0;
  #bytes = 0;
  #fileBytes = 0;
  /** Newest id of a message lost with a forgotten room. */
  #forgottenUpTo: string | undefined;

  constructor(limits: HistoryLimits) {
    this.#limits = limits;
  }

  /** Approximate memory of the stored messages. */
  get bytes(): number {
    return this.#bytes;
  }

  /** File bytes of the stored messages (as given to `append`). */
  get fileBytes(): number {
    return this.#fileBytes;
  }

  /** Stored messages over all rooms. */
  get size(): number {
    return this.#all.length - this.#tombstones;
  }

  /** Stores `message` (its id must be the largest so far) and applies the limits. */
  append(roomKey: string, message: StoredMessage, fileBytes = 0): void {
    const room = this.#room(roomKey);
    if (this.#limits.perRoom === 0) {
      room.droppedUpTo = message.id;
      return;
    }
    const entry: Entry = { roomKey, message, bytes: entryBytes(message), fileBytes, dropped: false };
    room.entries.push(entry);
    this.#all.push(entry);
    this.#bytes += entry.bytes;
    this.#fileBytes += fileBytes;
    if (room.entries.length > this.#limits.perRoom) this.#dropOldest(room);
    while (this.#bytes > this.#limits.maxBytes && this.#all.length > 0) {
      const oldest = this.#all.shift() as Entry;
      if (oldest.dropped) {
        this.#tombstones--;
        continue;
      }
      // Per-room order is global order: the server's oldest live message is its room's first.
      const owner = this.#rooms.get(oldest.roomKey);
      if (owner) this.#dropOldest(owner, false);
    }
    if (this.#tombstones > 1024 && this.#tombstones * 2 > this.#all.length) this.#rebuild();
  }

  /** Whether the room has stored messages. */
  has(roomKey: string): boolean {
    return (this.#rooms.get(roomKey)?.entries.length ?? 0) > 0;
  }

  /** Id of the room's newest stored message. */
  latest(roomKey: string): string | undefined {
    return this.#rooms.get(roomKey)?.entries.peekBack()?.message.id;
  }

  /** The latest `limit` messages before `before` (or the latest), oldest first. */
  page(roomKey: string, limit: number, before?: string): HistoryPage {
    const entries = this.#rooms.get(roomKey)?.entries;
    if (!entries) return { messages: [], hasMore: false };
    const end = before === undefined ? entries.length : firstIndexAtOrAfter(entries, before, 0);
    const start = Math.max(0, end - limit);
    return { messages: slice(entries, start, end), hasMore: start > 0 };
  }

  /** Every stored message after `afterId`, and whether none after it was dropped. */
  since(roomKey: string, afterId: string): HistorySince {
    const room = this.#rooms.get(roomKey);
    if (!room) return { messages: [], complete: notAfter(this.#forgottenUpTo, afterId) };
    const start = firstIndexAtOrAfter(room.entries, afterId, 1);
    return {
      messages: slice(room.entries, start, room.entries.length),
      complete: notAfter(room.droppedUpTo, afterId) && notAfter(this.#forgottenUpTo, afterId),
    };
  }

  /** Drops a room's history (the room is being forgotten). */
  forget(roomKey: string): void {
    const room = this.#rooms.get(roomKey);
    if (!room) return;
    const last = room.entries.peekBack()?.message.id ?? room.droppedUpTo;
    while (room.entries.length > 0) this.#dropOldest(room);
    this.#rooms.delete(roomKey);
    if (last !== undefined && !notAfter(last, this.#forgottenUpTo ?? '0-0')) this.#forgottenUpTo = last;
  }

  /** Every stored message in id order (for rewriting the history file). */
  *messages(): Generator<{ roomKey: string; message: StoredMessage }> {
    const all = this.#all;
    for (let i = 0; i < all.length; i++) {
      const entry = all.peekAt(i) as Entry;
      if (!entry.dropped) yield { roomKey: entry.roomKey, message: entry.message };
    }
  }

  #room(roomKey: string): RoomLog {
    let room = this.#rooms.get(roomKey);
    if (!room) {
      room = { entries: new Denque<Entry>(), droppedUpTo: undefined };
      this.#rooms.set(roomKey, room);
    }
    return room;
  }

  /** Drops the room's oldest message; `tombstone`: it stays in the global queue (not at its head). */
  #dropOldest(room: RoomLog, tombstone = true): void {
    const entry = room.entries.shift();
    if (!entry) return;
    entry.dropped = true;
    if (tombstone) this.#tombstones++;
    room.droppedUpTo = entry.message.id;
    this.#bytes -= entry.bytes;
    this.#fileBytes -= entry.fileBytes;
  }

  #rebuild(): void {
    this.#all = new Denque(this.#all.toArray().filter((entry) => !entry.dropped));
    this.#tombstones = 0;
  }
}

/** True when `id` is undefined or not after `bound`. */
function notAfter(id: string | undefined, bound: string): boolean {
  return id === undefined || compareMessageIds(id, bound) <= 0;
}

/** Index of the first entry with an id >= `id` (`strict` 0) or > `id` (`strict` 1). */
function firstIndexAtOrAfter(entries: Denque<Entry>, id: string, strict: 0 | 1): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareMessageIds((entries.peekAt(mid) as Entry).message.id, id) < strict) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function slice(entries: Denque<Entry>, start: number, end: number): StoredMessage[] {
  const out: StoredMessage[] = [];
  for (let i = start; i < end; i++) out.push((entries.peekAt(i) as Entry).message);
  return out;
}
