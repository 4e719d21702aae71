/**
 * A set of recent ids with a fixed capacity: adding past it forgets the oldest. A Set iterates in
 * insertion order, so the oldest is its first element and both operations are O(1).
 */
export class RecentIds {
  readonly #ids = new Set<string>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
  }

  /** Adds `id`; false when it was already there (a duplicate). */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.capacity) {
      const oldest = this.#ids.values().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
    return true;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }
}

const ID = /^(\d+)-(\d+)$/;

/**
 * Orders two message ids of the form `<milliseconds>-<sequence>` (the server's, like Redis stream
 * ids): negative, zero or positive as `a` is before, equal to or after `b`; undefined when either
 * has another form (such ids are opaque: only equality means anything).
 */
export function compareIds(a: string, b: string): number | undefined {
  const x = ID.exec(a);
  const y = ID.exec(b);
  if (!x || !y) return undefined;
  // BigInt: the parts are unbounded decimal strings; Number would round past 2^53.
  const [xm, xs, ym, ys] = [x[1], x[2], y[1], y[2]].map((d) => BigInt(d ?? '0')) as [
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  if (xm !== ym) return xm < ym ? -1 : 1;
  return xs === ys ? 0 : xs < ys ? -1 : 1;
}

/** The later of two ids (`b` when they cannot be compared: the most recent one seen). */
function later(a: string | undefined, b: string): string {
  if (a === undefined) return b;
  const order = compareIds(a, b);
  return order !== undefined && order > 0 ? a : b;
}

/** What the client remembers about one room. */
interface RoomLog {
  /** The room's name as the server spells it. */
  name: string;
  /** The latest id delivered from the room, if any. */
  lastId: string | undefined;
  /** Recent ids delivered or sent by us, to drop a message that arrives twice. */
  seen: RecentIds;
}

/** Room names compare case-insensitively on the server; so does this map. */
function roomKey(room: string): string {
  return room.normalize('NFKC').toLowerCase();
}

/**
 * What a client keeps to resume its session after a dropped connection: the session token, the
 * rooms it is in, the largest message id it has had (sent on `join_chat` as `last_id`) and, per
 * room, the latest id delivered and the recent ids seen. The server replays every message after
 * `last_id`, our own included, which the live stream never echoes: `accept` drops those and anything
 * delivered before. Pure state: the client asks it whether a message is new.
 */
export class ResumeState {
  /** The token from the last `join_chat` reply, if the server gave one. */
  session: string | undefined;
  readonly #rooms = new Map<string, RoomLog>();
  /** The largest room-message id received or sent, whichever its room. */
  #lastId: string | undefined;

  constructor(readonly seenPerRoom: number) {}

  /** Rooms we are in, as the server spells them. */
  get rooms(): string[] {
    return [...this.#rooms.values()].map((r) => r.name);
  }

  /** Whether we are in `room`. */
  inRoom(room: string): boolean {
    return this.#rooms.has(roomKey(room));
  }

  /** We are in `room` (keeps what we know if we already were). */
  joined(room: string): void {
    this.#log(room).name = room;
  }

  /** We left `room`: a later join starts afresh. */
  left(room: string): void {
    this.#rooms.delete(roomKey(room));
  }

  /** Makes the rooms exactly `rooms` (after a join reply that lists them). */
  setRooms(rooms: readonly string[]): void {
    const keep = new Set(rooms.map(roomKey));
    for (const key of this.#rooms.keys()) if (!keep.has(key)) this.#rooms.delete(key);
    for (const room of rooms) this.joined(room);
  }

  /**
   * Whether a message of `room` with `id` should be delivered: true the first time; false for an id
   * we sent, one already delivered, or (ids that compare) one not after the room's latest.
   */
  accept(room: string, id: string): boolean {
    const log = this.#log(room);
    if (log.lastId !== undefined && (compareIds(id, log.lastId) ?? 1) <= 0) return false;
    if (!log.seen.add(id)) return false;
    log.lastId = later(log.lastId, id);
    this.#lastId = later(this.#lastId, id);
    return true;
  }

  /** Records the id of a message we sent: a replay brings it back, and it counts for `last_id`. */
  sent(room: string, id: string): void {
    this.#log(room).seen.add(id);
    this.#lastId = later(this.#lastId, id);
  }

  /** The latest id delivered from `room`. */
  lastId(room: string): string | undefined {
    return this.#rooms.get(roomKey(room))?.lastId;
  }

  /** The largest room-message id received or sent: what `join_chat` sends as `last_id`. */
  resumeFrom(): string | undefined {
    return this.#lastId;
  }

  /** Forgets everything (after leave_chat, or when the server starts a new session). */
  reset(): void {
    this.session = undefined;
    this.#lastId = undefined;
    this.#rooms.clear();
  }

  #log(room: string): RoomLog {
    const key = roomKey(room);
    let log = this.#rooms.get(key);
    if (!log) {
      // Also for a message that arrives before the reply of our join_room has been handled
      // (replies settle promises a microtask later than the data event that carried them).
      log = { name: room, lastId: undefined, seen: new RecentIds(this.seenPerRoom) };
      this.#rooms.set(key, log);
    }
    return log;
  }
}
