/**
 * The web client: joins with a name, shows rooms (unread counts), people (presence), the active
 * conversation with its history, typing and read receipts, and keeps going across dropped
 * connections (ChatSocket resumes the session; lines are kept once each by id).
 */
import { ChatError, ChatSocket, type JoinReply, type Notice } from './chat-socket.js';
import { Conversation, conversationKey, type Person } from './store.js';
import {
  announce,
  byId,
  renderConversations,
  renderLines,
  renderPeople,
  renderReads,
  renderTyping,
  showState,
} from './view.js';

const TYPING_SHOWN_MS = 4000;
const TYPING_SEND_EVERY_MS = 3000;
const HISTORY_PAGE = 50;

const conversations = new Map<string, Conversation>();
const people = new Map<string, Person>();
let active = conversationKey('room', 'general');
let lastTypingSent = 0;
const socketUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
const chat = new ChatSocket(socketUrl, { state: showState, notice: onNotice, joined: onJoined });

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function conversation(kind: 'room' | 'private', name: string): Conversation {
  const key = conversationKey(kind, name);
  let conv = conversations.get(key);
  if (conv === undefined) {
    conv = new Conversation(kind, name);
    conversations.set(key, conv);
  }
  return conv;
}

function render(): void {
  const all = [...conversations.values()];
  renderConversations(byId('rooms'), all, active, (key) => void select(key));
  renderPeople(
    byId('people'),
    [...people.values()],
    chat.username,
    (name) => void select(conversationKey('private', name)),
  );
  const conv = conversations.get(active);
  if (conv === undefined) return;
  byId('conv-title').textContent = conv.kind === 'room' ? `#${conv.name}` : `Private: ${conv.name}`;
  byId('leave-room').hidden = !(conv.kind === 'room' && conv.name.toLowerCase() !== 'general');
  renderLines(byId('messages'), conv);
  renderTyping(byId('typing'), conv.typingNow(Date.now()));
  renderReads(byId('reads'), conv, chat.username);
}

/** Switches to a conversation: loads its history the first time, marks it read. */
async function select(key: string): Promise<void> {
  const kind = key.startsWith('#') ? 'room' : 'private';
  const conv = conversation(kind, key.slice(1));
  active = conv.key;
  conv.unread = 0;
  render();
  byId<HTMLInputElement>('message').focus();
  if (conv.kind === 'room' && !conv.historyLoaded) await loadHistory(conv);
  markRead(conv);
}

async function loadHistory(conv: Conversation): Promise<void> {
  try {
    const reply = await chat.request('get_history', { room: conv.name, limit: HISTORY_PAGE });
    conv.historyLoaded = true;
    for (const message of (reply.messages as Notice[] | undefined) ?? []) addChat(conv, message);
    render();
  } catch (err) {
    showError(err);
  }
}

function addChat(conv: Conversation, message: Notice): boolean {
  return conv.add({
    id: text(message.id) || undefined,
    kind: message.type === 'private' ? 'private' : 'chat',
    from: text(message.username) || text(message.from),
    text: text(message.message),
    time: typeof message.timestamp === 'number' ? message.timestamp : Date.now(),
  });
}

/** Tells the room's others how far this user has read (once per new newest message, while looking). */
function markRead(conv: Conversation): void {
  const latest = conv.latestId;
  if (conv.kind !== 'room' || latest === undefined || latest === conv.markedRead || document.hidden) return;
  conv.markedRead = latest;
  chat.request('mark_read', { room: conv.name, id: latest }).catch(() => {
    conv.markedRead = undefined;
  });
}

function onNotice(notice: Notice): void {
  switch (notice.type) {
    case 'chat': {
      const conv = conversation('room', text(notice.room) || 'general');
      if (!addChat(conv, notice)) return;
      conv.typing.delete(text(notice.username));
      arrived(conv, `${text(notice.username)} in #${conv.name}: ${text(notice.message)}`);
      break;
    }
    case 'private': {
      const other = text(notice.from) === chat.username ? text(notice.to) : text(notice.from);
      const conv = conversation('private', other);
      if (!addChat(conv, notice)) return;
      arrived(conv, `Private from ${text(notice.from)}: ${text(notice.message)}`);
      break;
    }
    case 'system': {
      const conv = conversation('room', text(notice.room) || 'general');
      conv.add({
        id: undefined,
        kind: 'system',
        from: 'SYSTEM',
        text: text(notice.message),
        time: Date.now(),
      });
      if (notice.room === undefined) void refreshPeople();
      break;
    }
    case 'presence': {
      const person = people.get(text(notice.username));
      if (person !== undefined) {
        person.status = text(notice.status);
        person.text = text(notice.text);
      }
      break;
    }
    case 'typing': {
      const conv = conversations.get(conversationKey('room', text(notice.room)));
      conv?.typing.set(text(notice.username), Date.now() + TYPING_SHOWN_MS);
      window.setTimeout(render, TYPING_SHOWN_MS + 50);
      break;
    }
    case 'read': {
      conversations
        .get(conversationKey('room', text(notice.room)))
        ?.reads.set(text(notice.username), text(notice.id));
      break;
    }
    default:
      return;
  }
  render();
}

function arrived(conv: Conversation, spoken: string): void {
  announce(spoken);
  if (conv.key === active && !document.hidden) markRead(conv);
  else conv.unread++;
}

async function refreshPeople(): Promise<void> {
  try {
    const reply = await chat.request('get_users', { format: 'detailed' });
    people.clear();
    for (const user of (reply.users as Person[] | undefined) ?? [])
      people.set(user.username, {
        username: user.username,
        status: user.status ?? 'online',
        text: user.text ?? '',
      });
    render();
  } catch {
    // The next join or leave notice asks again.
  }
}

/** After every join: on a fresh session (not resumed) the rooms are entered again and their history fills the gap. */
function onJoined(reply: JoinReply, reconnect: boolean): void {
  byId('me').textContent = `Signed in as ${chat.username}`;
  for (const room of reply.rooms) conversation('room', room);
  void refreshPeople();
  if (reconnect && (!reply.resumed || reply.recovered === false)) void rebuild(reply);
  render();
}

async function rebuild(reply: JoinReply): Promise<void> {
  for (const conv of conversations.values()) {
    if (conv.kind !== 'room') continue;
    if (!reply.rooms.some((room) => room.toLowerCase() === conv.name.toLowerCase()))
      await chat.request('join_room', { room: conv.name }).catch(showError);
    await loadHistory(conv);
  }
}

function showError(err: unknown): void {
  byId('send-error').textContent = err instanceof Error ? err.message : String(err);
}

async function send(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const input = byId<HTMLInputElement>('message');
  const message = input.value;
  if (message.trim() === '') return;
  const conv = conversations.get(active);
  if (conv === undefined) return;
  byId('send-error').textContent = '';
  try {
    if (conv.kind === 'room') {
      const reply = await chat.request('send_message', { room: conv.name, message });
      chat.saw(reply.id);
      conv.add({
        id: text(reply.id),
        kind: 'chat',
        from: chat.username,
        text: message.trim(),
        time: Date.now(),
      });
    } else {
      const reply = await chat.request('send_private', { to: conv.name, message });
      conv.add({
        id: text(reply.id),
        kind: 'private',
        from: chat.username,
        text: message.trim(),
        time: Date.now(),
      });
    }
    input.value = '';
    render();
  } catch (err) {
    showError(err);
  }
}

function typing(): void {
  const conv = conversations.get(active);
  const now = Date.now();
  if (conv?.kind !== 'room' || now - lastTypingSent < TYPING_SEND_EVERY_MS) return;
  lastTypingSent = now;
  chat.request('typing', { room: conv.name }).catch(() => undefined);
}

async function joinRoom(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const input = byId<HTMLInputElement>('room-name');
  try {
    const reply = await chat.request('join_room', { room: input.value.replace(/^#/, '') });
    input.value = '';
    await select(conversationKey('room', text(reply.room)));
  } catch (err) {
    showError(err);
  }
}

async function leaveRoom(): Promise<void> {
  const conv = conversations.get(active);
  if (conv?.kind !== 'room') return;
  try {
    await chat.request('leave_room', { room: conv.name });
    conversations.delete(conv.key);
    await select(conversationKey('room', 'general'));
  } catch (err) {
    showError(err);
  }
}

async function join(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const name = byId<HTMLInputElement>('join-name').value;
  byId('join-error').textContent = '';
  try {
    await chat.start(name);
    byId('join-form').hidden = true;
    byId('chat').hidden = false;
    await select(active);
  } catch (err) {
    byId('join-error').textContent = err instanceof ChatError ? err.message : 'Could not join';
  }
}

byId<HTMLFormElement>('join-form').addEventListener('submit', (event) => void join(event));
byId<HTMLFormElement>('composer').addEventListener('submit', (event) => void send(event));
byId<HTMLFormElement>('room-form').addEventListener('submit', (event) => void joinRoom(event));
byId('leave-room').addEventListener('click', () => void leaveRoom());
byId('message').addEventListener('input', typing);
document.addEventListener('visibilitychange', () => {
  const conv = conversations.get(active);
  if (conv !== undefined && !document.hidden) markRead(conv);
});
byId<HTMLInputElement>('join-name').focus();
