import type { Socket } from 'node:net';
import { startTcpServer } from '@sockworks/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ChatClient } from '../src/client/client.js';
import type { ChatEvent, JoinResult } from '../src/client/types.js';
import { waitFor } from './helpers.js';

// The client's side of a resume, against a scripted server that sends what a misbehaving (or
// differently built) server might: ids the client already has, its own messages, live messages
// before the history it asked for. The real server never sends duplicates, so these paths are
// tested here, deterministically.

type Request = { method: string; params: Record<string, unknown> };
/** Answers one request on connection number `conn` (0, 1, ...): the lines to write back. */
type Script = (request: Request, conn: number) => object[];

/** A server that answers each request line with what `script` returns. */
async function scriptedServer(script: Script) {
  const sockets: Socket[] = [];
  const requests: { conn: number; request: Request }[] = [];
  const { port } = await startTcpServer((socket) => {
    const conn = sockets.length;
    sockets.push(socket);
    let rest = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      const lines = (rest + text).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        const request = JSON.parse(line) as Request;
        requests.push({ conn, request });
        for (const out of script(request, conn)) socket.write(`${JSON.stringify(out)}\n`);
      }
    });
  });
  return { port, requests, sockets };
}

const chat = (room: string, id: string, message: string, username = 'Bob') => ({
  type: 'chat',
  room,
  id,
  username,
  message,
  timestamp: 1,
});
const ok = (fields: object = {}) => ({ status: 'success', ...fields });
const joinedAs = (fields: object) => ok({ message: 'Joined chat as Alice', users: ['Alice'], ...fields });

/** A reconnecting client on `port` joined as Alice, recording its chat events. */
async function alice(port: number) {
  const c = new ChatClient({ port, reconnect: { initialDelayMs: 10, maxDelayMs: 50 } });
  onTestFinished(() => c.disconnect());
  const chats: ChatEvent[] = [];
  c.on('chat', (e) => chats.push(e));
  await c.connect();
  await c.join('Alice');
  const reconnected = new Promise<JoinResult | undefined>((resolve) =>
    c.once('reconnected', (e) => resolve(e.join)),
  );
  return { c, chats, reconnected };
}

describe('ChatClient resume against a scripted server', () => {
  it('sends session and the largest id it has; drops replayed ids it has, its own included', async () => {
    const server = await scriptedServer((req, conn) => {
      if (req.method === 'join_chat' && conn === 0)
        return [
          joinedAs({ session: 's1', rooms: ['general'], resumed: false }),
          chat('general', '10-0', 'a'),
        ];
      if (req.method === 'send_message') return [ok({ id: '11-0', room: 'general' })];
      if (req.method === 'join_chat')
        return [
          joinedAs({ session: 's1', rooms: ['general'], resumed: true, recovered: true }),
          chat('general', '10-0', 'a'), // delivered before the drop
          chat('general', '11-0', 'mine', 'Alice'), // our own
          chat('general', '12-0', 'b'),
          chat('general', '12-0', 'b'), // twice
          chat('general', '9-0', 'old'), // before what we had
          chat('general', '13-0', 'c'),
        ];
      return [ok()];
    });
    const a = await alice(server.port);
    await waitFor(() => a.chats.length === 1, 'first message');
    expect(await a.c.sendMessage('mine')).toEqual({ id: '11-0', room: 'general' });
    server.sockets[0]?.destroy();
    expect(await a.reconnected).toMatchObject({ resumed: true, recovered: true });
    await waitFor(() => a.chats.length === 3, 'replayed messages');
    const resume = server.requests.filter((r) => r.conn === 1).map((r) => r.request);
    expect(resume[0]).toEqual({
      method: 'join_chat',
      params: { username: 'Alice', protocol: 2, session: 's1', last_id: '11-0' },
    });
    expect(a.chats.map((e) => e.message)).toEqual(['a', 'b', 'c']);
  });

  it('without the session: re-enters its rooms, delivers their history after what it had, then the live messages held meanwhile', async () => {
    const server = await scriptedServer((req, conn) => {
      if (req.method === 'join_chat' && conn === 0)
        return [joinedAs({ session: 's1', rooms: ['general'], resumed: false })];
      if (req.method === 'join_room') return [ok({ room: 'dev', users: ['Alice'] })];
      if (req.method === 'join_chat')
        // A new session; a live message of dev arrives before the client has fetched dev's history.
        return [joinedAs({ session: 's2', rooms: ['general'], resumed: false })];
      if (req.method === 'get_history' && req.params.room === 'general')
        return [ok({ room: 'general', messages: [chat('general', '1-0', 'g1')], has_more: false })];
      if (req.method === 'get_history')
        return [
          chat('dev', '6-0', 'live'),
          ok({
            room: 'dev',
            messages: [chat('dev', '4-0', 'seen'), chat('dev', '5-0', 'missed'), chat('dev', '6-0', 'live')],
            has_more: false,
          }),
        ];
      return [ok()];
    });
    const a = await alice(server.port);
    await a.c.joinRoom('dev');
    server.sockets[0]?.write(`${JSON.stringify(chat('dev', '4-0', 'seen'))}\n`);
    await waitFor(() => a.chats.length === 1, 'first message');
    server.sockets[0]?.destroy();
    const join = await a.reconnected;
    expect(join).toMatchObject({ session: 's2', resumed: false, recovered: true, rooms: ['general', 'dev'] });
    // general had nothing after 4-0 ('g1' is 1-0); dev's missed message, then the live one, once each.
    expect(a.chats.map((e) => e.message)).toEqual(['seen', 'missed', 'live']);
    const after = server.requests.filter((r) => r.conn === 1).map((r) => r.request.method);
    expect(after).toEqual(['join_chat', 'get_history', 'join_room', 'get_history']);
    expect(a.c.session).toBe('s2');
  });

  it('recovered is false when the history no longer reaches back to the last message it had', async () => {
    const server = await scriptedServer((req, conn) => {
      if (req.method === 'join_chat' && conn === 0)
        return [joinedAs({ session: 's1', rooms: ['general'], resumed: false }), chat('general', '1-0', 'a')];
      if (req.method === 'join_chat')
        return [joinedAs({ session: 's2', rooms: ['general'], resumed: false })];
      if (req.method === 'get_history')
        return [ok({ room: 'general', messages: [chat('general', '7-0', 'late')], has_more: true })];
      return [ok()];
    });
    const a = await alice(server.port);
    await waitFor(() => a.chats.length === 1, 'first message');
    server.sockets[0]?.destroy();
    expect(await a.reconnected).toMatchObject({ resumed: false, recovered: false });
    expect(a.chats.map((e) => e.message)).toEqual(['a', 'late']);
  });
});
