/**
 * DOM rendering. Every piece of text from the network goes in through `textContent` (never
 * innerHTML), so a message such as `<img src=x onerror=alert(1)>` shows as those characters.
 */
import { type ConnectionState, compareIds } from './chat-socket.js';
import type { Conversation, Line, Person } from './store.js';

/** The element with `id`, typed; the page is ours, so a missing one is a bug. */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} missing from the page`);
  return element as T;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className !== undefined) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

export function showState(state: ConnectionState, detail: string): void {
  const conn = byId('conn');
  conn.dataset.state = state;
  conn.textContent = state === 'online' ? detail : `${label(state)}: ${detail}`;
}

function label(state: ConnectionState): string {
  return { connecting: 'Connecting', online: 'Online', reconnecting: 'Reconnecting', offline: 'Offline' }[
    state
  ];
}

/** The conversation list: rooms (or private conversations) with their unread counts. */
export function renderConversations(
  list: HTMLElement,
  conversations: readonly Conversation[],
  active: string,
  select: (key: string) => void,
): void {
  const items = conversations.map((conv) => {
    const item = el('li');
    const button = el('button');
    button.type = 'button';
    button.dataset.key = conv.key;
    button.setAttribute('aria-current', String(conv.key === active));
    button.append(el('span', 'name', conv.key));
    if (conv.unread > 0) {
      button.append(el('span', 'badge', String(conv.unread)));
      button.setAttribute('aria-label', `${conv.key}, ${conv.unread} unread`);
    }
    button.addEventListener('click', () => select(conv.key));
    item.append(button);
    return item;
  });
  list.replaceChildren(...items);
}

/** Online people; each opens a private conversation. */
export function renderPeople(
  list: HTMLElement,
  people: readonly Person[],
  me: string,
  open: (name: string) => void,
): void {
  const items = people
    .filter((person) => person.username !== me)
    .map((person) => {
      const item = el('li');
      const button = el('button');
      button.type = 'button';
      button.dataset.user = person.username;
      button.title = `Private message to ${person.username}`;
      button.append(el('span', 'name', person.username));
      if (person.status !== 'online' || person.text !== '')
        button.append(
          el('span', 'status', person.text === '' ? person.status : `${person.status}: ${person.text}`),
        );
      button.addEventListener('click', () => open(person.username));
      item.append(button);
      return item;
    });
  list.replaceChildren(...items);
}

function lineItem(line: Line): HTMLLIElement {
  const item = el('li', line.kind === 'system' ? 'system' : 'message');
  if (line.id !== undefined) item.dataset.id = line.id;
  const time = el(
    'time',
    'time',
    new Date(line.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
  );
  time.dateTime = new Date(line.time).toISOString();
  item.append(time);
  if (line.kind !== 'system') item.append(el('span', 'from', line.from));
  item.append(el('span', 'text', line.text));
  return item;
}

/** The active conversation's lines (kept scrolled to the bottom when it was there). */
export function renderLines(list: HTMLElement, conv: Conversation): void {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...conv.lines.map(lineItem));
  if (atBottom) list.scrollTop = list.scrollHeight;
}

export function renderTyping(target: HTMLElement, names: readonly string[]): void {
  target.textContent =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : `${names.join(', ')} are typing…`;
}

/** "Seen by …": who has read up to the newest message. */
export function renderReads(target: HTMLElement, conv: Conversation, me: string): void {
  const latest = conv.latestId;
  const seen = [...conv.reads]
    .filter(([name, id]) => name !== me && latest !== undefined && compareIds(id, latest) >= 0)
    .map(([name]) => name);
  target.textContent = latest === undefined || seen.length === 0 ? '' : `Seen by ${seen.join(', ')}`;
}

/** Says `text` through the polite live region (new messages for screen readers). */
export function announce(text: string): void {
  const region = byId('announcer');
  region.textContent = '';
  region.append(el('p', undefined, text));
}
