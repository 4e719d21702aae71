/**
 * The WebSocket transport (`/ws`) with the `ws` package as the client: both dialects, one request per
 * text frame, the same errors and limits as on TCP (rate limit, join deadline, connection cap), the
 * Origin allow-list, binary and oversize frames, the ping/pong heartbeat, and shutdown.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { waitFor } from './helpers.js';
import { V2Client } from './v2-client.js';
import { startWebStack, type WebStack } from './web-helpers.js';

type Message = Record<string, unknown>;

/** A WebSocket client that records what arrives (each frame parsed as one JSON value). */
class WsClient {
  readonly messages: Message[] = [];
  closed: { code: number; reason: string } | undefined;
  #read = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      expect(isBinary).toBe(false);
      this.messages.push(JSON.parse(String(data)) as Message);
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
    });
    ws.on('error', () => {});
  }

  static async open(s: WebStack, options: WebSocket.ClientOptions = {}): Promise<WsClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${s.webPort}/ws`, options);
    onTestFinished(() => ws.terminate());
    const client = new WsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return client;
  }

  send(request: unknown): void {
    this.ws.send(JSON.stringify(request));
  }

  /** The next message not read yet. */
  async next(what = 'a message'): Promise<Message> {
    await waitFor(() => this.messages.length > this.#read, `${what} on the WebSocket`, 10_000);
    return this.messages[this.#read++] as Message;
  }

  async call(request: unknown): Promise<Message> {
    this.send(request);
    return this.next(`the reply to ${JSON.stringify(request)}`);
  }

  async waitClosed(): Promise<{ code: number; reason: string }> {
    await waitFor(() => this.closed !== undefined, 'the WebSocket to close', 10_000);
    return this.closed as { code: number; reason: string };
  }
}

/** What an upgrade refused with an HTTP status answers. */
function refusedStatus(url: string, options: WebSocket.ClientOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    onTestFinished(() => ws.terminate());
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => {});
  });
}

async function stack(...args: Parameters<typeof startWebStack>): Promise<WebStack> {
  const s = await startWebStack(...args);
  onTestFinished(() => s.close());
  return s;
}

describe('the chat protocol over WebSocket', () => {
  it('speaks both dialects, one JSON message per text frame, and shares rooms with TCP users', async () => {
    const s = await stack(undefined);
    const web = await WsClient.open(s);
    const joined = await web.call({ method: 'join_chat', params: { username: 'Alice' } });
    expect(joined).toMatchObject({ status: 'success', message: 'Joined chat as Alice', rooms: ['general'] });
    expect(await web.next()).toMatchObject({ type: 'system', message: 'Welcome to the chat, Alice!' });

    const tcp = await V2Client.connect(s.tcpPort, 'plain');
    await tcp.join('Bob', { protocol: 2 });
    expect(await web.next()).toMatchObject({ type: 'system', message: 'Bob has joined the chat!' });
    tcp.send('send_message', { message: 'from tcp' });
    expect(await web.next()).toMatchObject({
      type: 'chat',
      username: 'Bob',
      message: 'from tcp',
      room: 'general',
    });

    const rpc = await web.call({
      jsonrpc: '2.0',
      method: 'send_message',
      params: { message: 'from ws' },
      id: 7,
    });
    expect(rpc).toMatchObject({ jsonrpc: '2.0', id: 7, result: { status: 'success', room: 'general' } });
    expect(await tcp.notificationMatching({ type: 'chat', username: 'Alice' })).toMatchObject({
      message: 'from ws',
    });
    // In JSON-RPC mode, broadcasts are notifications.
    tcp.send('send_message', { message: 'again' });
    expect(await web.next()).toMatchObject({ jsonrpc: '2.0', method: 'chat', params: { message: 'again' } });

    // Bad JSON is answered as on TCP and the connection stays open; two requests in one frame are one bad frame.
    web.ws.send('{"method":');
    expect(await web.next()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
    web.ws.send('{"method":"ping"}{"method":"ping"}');
    expect(await web.next()).toMatchObject({ error: { code: -32700 } });
    expect(await web.call({ method: 'ping' })).toEqual({ status: 'success', message: 'pong' });
  });

  it('applies the rate limit and the join deadline as on TCP', async () => {
    const s = await stack(undefined, { rateBurst: 2, ratePerSecond: 0.001, joinTimeoutMs: 60_000 });
    const web = await WsClient.open(s);
    await web.call({ method: 'join_chat', params: { username: 'Alice' } });
    await web.next('the welcome');
    expect(await web.call({ method: 'send_message', params: { message: 'one' } })).toMatchObject({
      status: 'success',
    });
    expect(await web.call({ method: 'send_message', params: { message: 'two' } })).toMatchObject({
      status: 'error',
      code: 'RATE_LIMITED',
    });

    const quick = await stack(undefined, { joinTimeoutMs: 100 });
    const idle = await WsClient.open(quick);
    expect(await idle.next('the idle notice')).toMatchObject({ type: 'system', code: 'IDLE_TIMEOUT' });
    expect((await idle.waitClosed()).code).toBe(1000);
  });

  it('cuts off a WebSocket that does not read at the output cap; the others keep receiving', async () => {
    const s = await stack(undefined, {
      maxOutputBytes: 64 * 1024,
      rateBurst: 100_000,
      ratePerSecond: 100_000,
    });
    const sender = await V2Client.connect(s.tcpPort, 'plain');
    await sender.join('Sender', { protocol: 2 });
    const reader = await WsClient.open(s);
    await reader.call({ method: 'join_chat', params: { username: 'Reader' } });
    const stuck = await WsClient.open(s);
    await stuck.call({ method: 'join_chat', params: { username: 'Stuck' } });
    stuck.ws.pause(); // never reads again: kernel buffers fill, then ws's queue on the server
    const body = '🐘'.repeat(1000); // ~4 KB per broadcast
    let sent = 0;
    // Keep sending until the server drops the stuck client; bounded so the test cannot hang.
    while (s.chat.sessions.some((x) => x.username === 'Stuck') && sent < 5000) {
      expect(await sender.call('send_message', { message: body })).toMatchObject({ status: 'success' });
      sent++;
    }
    expect(s.chat.sessions.map((x) => x.username)).toEqual(['Sender', 'Reader']);
    await waitFor(
      () => reader.messages.filter((m) => m.type === 'chat').length === sent,
      'the reading WebSocket to receive every message',
      30_000,
    );
    expect(await sender.call('send_message', { message: 'still here?' })).toMatchObject({
      status: 'success',
    });
    await waitFor(
      () => reader.messages.some((m) => m.message === 'still here?'),
      'the message after the cut',
      10_000,
    );
  });

  it('refuses binary frames (1003) and frames over --max-request-bytes (1009)', async () => {
    const s = await stack(undefined, { maxRequestBytes: 1024 });
    const binary = await WsClient.open(s);
    binary.ws.send(Buffer.from('{"method":"ping"}'), { binary: true });
    expect(await binary.waitClosed()).toEqual({
      code: 1003,
      reason: 'binary frames are not accepted: send one JSON request per text frame',
    });
    const big = await WsClient.open(s);
    big.send({ method: 'send_message', params: { message: 'x'.repeat(2000) } });
    expect((await big.waitClosed()).code).toBe(1009);
  });

  it('accepts its own origin and refuses others (403); --web-origins replaces the default', async () => {
    const s = await stack(undefined);
    const url = `ws://127.0.0.1:${s.webPort}/ws`;
    await WsClient.open(s, { origin: `http://127.0.0.1:${s.webPort}` });
    expect(await refusedStatus(url, { origin: 'http://evil.example' })).toBe(403);
    expect(await refusedStatus(url, { origin: `http://127.0.0.1:${s.webPort + 1}` })).toBe(403);
    expect(await refusedStatus(`ws://127.0.0.1:${s.webPort}/other`, {})).toBe(404);

    const listed = await stack(undefined, {}, { origins: ['https://chat.example.com'] });
    const listedUrl = `ws://127.0.0.1:${listed.webPort}/ws`;
    await WsClient.open(listed, { origin: 'https://chat.example.com' });
    expect(await refusedStatus(listedUrl, { origin: `http://127.0.0.1:${listed.webPort}` })).toBe(403);
  });

  it('caps connections on the web listener, and WebSockets with TCP connections together', async () => {
    const s = await stack(undefined, {}, { maxConnections: 1 });
    await WsClient.open(s);
    expect(await refusedStatus(`ws://127.0.0.1:${s.webPort}/ws`, {})).toBe(503);

    const shared = await stack(undefined, { maxConnections: 2 }, { maxConnections: 2 });
    await V2Client.connect(shared.tcpPort, 'plain');
    await shared.chat.waitForConnections(1);
    await WsClient.open(shared);
    expect(await refusedStatus(`ws://127.0.0.1:${shared.webPort}/ws`, {})).toBe(503);
  });

  it('drops a WebSocket that answers no ping (heartbeat)', async () => {
    const s = await stack(undefined, {}, { heartbeatMs: 100 });
    const deaf = await WsClient.open(s, { autoPong: false });
    const alive = await WsClient.open(s);
    await deaf.waitClosed();
    expect(alive.closed).toBeUndefined();
    expect(await alive.call({ method: 'ping' })).toMatchObject({ message: 'pong' });
  });

  it('says goodbye on shutdown', async () => {
    const s = await stack(undefined);
    const web = await WsClient.open(s);
    await web.call({ method: 'join_chat', params: { username: 'Alice' } });
    await web.next('the welcome');
    await s.close();
    expect(await web.next('the shutdown notice')).toMatchObject({
      type: 'system',
      message: 'Server is shutting down',
    });
    expect((await web.waitClosed()).code).toBe(1000);
  });
});
