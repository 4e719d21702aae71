import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { connectRaw, framings, scaled, waitFor as testWaitFor } from '@sockworks/test-utils';
import { onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { WsRpcClient } from '../src/client/client.js';
import type { WsRpcClientOptions } from '../src/client/types.js';
import type { WsRpcServerOptions } from '../src/server/options.js';
import { createWsRpcServer, type WsRpcServer } from '../src/server/server.js';

/** A listening server on 127.0.0.1:<random>, closed when the test ends. */
export async function startServer(
  options: WsRpcServerOptions = {},
): Promise<{ server: WsRpcServer; url: string; port: number }> {
  const server = createWsRpcServer({ heartbeatIntervalMs: 0, ...options });
  onTestFinished(() => server.close({ timeoutMs: 500 }));
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  if (address.kind !== 'tcp') throw new Error('expected a TCP address');
  return { server, url: server.url!, port: address.port };
}

/** A connected WsRpcClient, closed when the test ends. */
export async function connectClient(
  url: string,
  options: Partial<WsRpcClientOptions> = {},
): Promise<WsRpcClient> {
  const client = new WsRpcClient({ url, reconnect: false, ...options });
  onTestFinished(() => client.close());
  await client.connect();
  return client;
}

/** A plain `ws` socket that queues incoming text messages for `next()`. */
export interface RawWs {
  ws: WebSocket;
  /** The next text message (rejects after `timeoutMs`). */
  next(timeoutMs?: number): Promise<string>;
  /** Sends text and resolves with the next message parsed as JSON. */
  request(text: string): Promise<unknown>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens a raw `ws` client (no JSON-RPC logic), terminated when the test ends. */
export async function openRaw(url: string, options: WebSocket.ClientOptions = {}): Promise<RawWs> {
  const ws = new WebSocket(url, options);
  onTestFinished(() => ws.terminate());
  const queue: string[] = [];
  const waiters: Array<(text: string) => void> = [];
  ws.on('message', (data) => {
    const text = (data as Buffer).toString();
    const waiter = waiters.shift();
    if (waiter) waiter(text);
    else queue.push(text);
  });
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const next = (timeoutMs = 5000): Promise<string> => {
    const queued = queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    const ms = scaled(timeoutMs);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${ms} ms waiting for a message on the raw WebSocket`)),
        ms,
      );
      waiters.push((text) => {
        clearTimeout(timer);
        resolve(text);
      });
    });
  };
  return {
    ws,
    next,
    closed,
    async request(text: string) {
      ws.send(text);
      return JSON.parse(await next());
    },
  };
}

/** The HTTP status a WebSocket upgrade got when it was refused (or 101). */
export function upgradeStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('open', () => {
      resolve(101);
      ws.terminate();
    });
    ws.on('error', (err) => reject(err));
  });
}

/** A client-side (masked) WebSocket frame with FIN set. */
export function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const len = payload.length;
  const header =
    len < 126
      ? Buffer.from([0x80 | opcode, 0x80 | len])
      : len < 65536
        ? Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff])
        : (() => {
            const h = Buffer.alloc(10);
            h[0] = 0x80 | opcode;
            h[1] = 0x80 | 127;
            h.writeBigUInt64BE(BigInt(len), 2);
            return h;
          })();
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return Buffer.concat([header, mask, body]);
}

/** A raw TCP socket that completed the WebSocket handshake; `received` collects every later byte. */
export interface RawSocket {
  socket: Socket;
  /** Bytes received after the 101 response. */
  received(): Buffer;
  /** Resolves when the socket closed; rejects after the condition deadline, counted from this access. */
  readonly closed: Promise<void>;
}

/** Performs the upgrade by hand on a raw client (for frames ws would refuse to send). */
export async function rawHandshake(port: number, path = '/ws'): Promise<RawSocket> {
  const client = await connectRaw(port, framings.bytes());
  const key = randomBytes(16).toString('base64');
  client.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const headEnd = await client.waitUntil(() => {
    const end = client.received().indexOf('\r\n\r\n');
    return end < 0 ? undefined : end;
  }, 'the handshake response');
  const head = client.received().subarray(0, headEnd).toString();
  if (!head.startsWith('HTTP/1.1 101')) throw new Error(`handshake failed: ${head.split('\r\n')[0]}`);
  return {
    socket: client.socket,
    received: () => client.received().subarray(headEnd + 4),
    get closed() {
      return client.waitClosed();
    },
  };
}

/** Reads the status code of the first close frame in server output (unmasked), or null. */
export function closeCodeIn(bytes: Buffer): number | null {
  let offset = 0;
  while (offset + 2 <= bytes.length) {
    const opcode = (bytes[offset] as number) & 0x0f;
    let len = (bytes[offset + 1] as number) & 0x7f;
    let start = offset + 2;
    if (len === 126) {
      len = bytes.readUInt16BE(offset + 2);
      start += 2;
    } else if (len === 127) {
      len = Number(bytes.readBigUInt64BE(offset + 2));
      start += 8;
    }
    if (opcode === 0x8) return len >= 2 && start + 2 <= bytes.length ? bytes.readUInt16BE(start) : null;
    offset = start + len;
  }
  return null;
}

/** Polls `check` until it returns true, failing after the (scaled) deadline with a message naming `what`. */
export async function waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  await testWaitFor(check, { what, timeoutMs: scaled(timeoutMs) });
}
