import { compareIds } from './chat-socket.js';

/** One line in a conversation. */
export interface Line {
  /** Server message id (chat and private messages); system notices have none. */
  readonly id: string | undefined;
  readonly kind: 'chat' | 'system' | 'private';
  readonly from: string;
  readonly text: string;
  readonly time: number;
}

/** A room (`#name`) or a private conversation (`@name`). */
export class Conversation {
  readonly lines: Line[] = [];
  readonly #ids = new Set<string>();
  unread = 0;
  historyLoaded = false;
  /** Who read up to which id (read receipts). */
  readonly reads = new Map<string, string>();
  /** Who is typing, until when (ms). */
  readonly typing = new Map<string, number>();
  /** The newest id this user marked read. */
  markedRead: string | undefined;

  constructor(
    readonly kind: 'room' | 'private',
    readonly name: string,
  ) {}

  get key(): string {
    return conversationKey(this.kind, this.name);
  }

  /**
   * Adds a line unless its id is already here (a replay after a resume, history overlapping live
   * messages); lines with ids stay in id order. True when it was added.
   */
  add(line: Line): boolean {
    if (line.id !== undefined) {
      if (this.#ids.has(line.id)) return false;
      this.#ids.add(line.id);
      let at = this.lines.length;
      while (at > 0) {
        const before = this.lines[at - 1];
        if (before?.id !== undefined && compareIds(before.id, line.id) < 0) break;
        if (before?.id === undefined && at === this.lines.length) break;
        at--;
      }
      this.lines.splice(at, 0, line);
      return true;
    }
    this.lines.push(line);
    return true;
  }

  /** The newest message id here. */
  get latestId(): string | undefined {
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const id = this.lines[i]?.id;
      if (id !== undefined) return id;
    }
    return undefined;
  }

  /** Names typing now. */
  typingNow(now: number): string[] {
    return [...this.typing].filter(([, until]) => until > now).map(([name]) => name);
  }
}

export function conversationKey(kind: 'room' | 'private', name: string): string {
  return `${kind === 'room' ? '#' : '@'}${name}`;
}

/** An online user as the list shows them. */
export interface Person {
  readonly username: string;
  status: string;
  text: string;
}
