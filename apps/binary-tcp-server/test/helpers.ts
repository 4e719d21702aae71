/** Test helpers: a server on port 0 with cleanup, and a raw-socket client that reads frames. */
import { connect, type Socket } from 'node:net';
import { scaled, waitFor as testWaitFor, withTimeout } from '@sockworks/test-utils';
import { onTestFinished } from 'vitest';
import { createTcpServer, type TcpServer, type TcpServerOptions } from '../src/index.js';

/** Starts a server on 127.0.0.1:0; it is closed when the test finishes. */
export async function startServer(
  options: TcpServerOptions = {},
): Promise<{ server: TcpServer; port: number }> {
  const server = createTcpServer({ host: '127.0.0.1', port: 0, closeTimeoutMs: 2000, ...options });
  onTestFinished(() => server.close({ timeoutMs: 500 }));
  const address = await server.listen();
  if (address.kind !== 'tcp') throw new Error('expected a TCP address');
  return { server, port: address.port };
}

/** Encodes a frame: 4-byte big-endian length + payload (a string, Buffer, or a value to JSON-encode). */
export function frame(payload: unknown): Buffer {
  const body = Buffer.isBuffer(payload)
    ? payload
    : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length, 0);
  return Buffer.concat([header, body]);
}

/** A bare 4-byte length header. */
export function header(length: number): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(length, 0);
  return h;
}

/** Polls `check` until it is true, failing after the (scaled) deadline with a message naming `what`. */
export async function waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  await testWaitFor(check, { what, timeoutMs: scaled(timeoutMs), intervalMs: 5 });
}

/** A raw TCP client that collects decoded frames (parsed JSON objects). */
export class RawClient {
  readonly socket: Socket;
  readonly frames: Array<Record<string, unknown>> = [];
  #buffer = Buffer.alloc(0);
  #waiters: Array<() => void> = [];
  #closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      while (this.#buffer.length >= 4) {
        const length = this.#buffer.readUInt32BE(0);
        if (this.#buffer.length < 4 + length) break;
        this.frames.push(JSON.parse(this.#buffer.subarray(4, 4 + length).toString('utf8')));
        this.#buffer = this.#buffer.subarray(4 + length);
      }
      this.#wake();
    });
    socket.on('error', () => {});
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.#closed = true;
        this.#wake();
        resolve();
      });
    });
  }

  /** Connects to 127.0.0.1:port; destroyed when the test finishes. */
  static async connect(port: number): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port });
    onTestFinished(() => {
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Writes raw bytes. */
  write(bytes: Buffer | Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Sends one JSON frame. */
  send(value: unknown): void {
    this.socket.write(frame(value));
  }

  /** Resolves once `count` frames have arrived in total (rejects on close or timeout). */
  async waitFrames(count: number, timeoutMs = 5000): Promise<Array<Record<string, unknown>>> {
    const ms = scaled(timeoutMs);
    const deadline = Date.now() + ms;
    while (this.frames.length < count) {
      if (this.#closed) throw new Error(`connection closed after ${this.frames.length}/${count} frames`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out after ${ms} ms waiting for ${count} frames (got ${this.frames.length})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames.slice(0, count);
  }

  /** Sends `value` and resolves with the next frame. */
  /** Sends `value` and resolves with the reply: the next frame that is not a server heartbeat. */
  async request(value: unknown): Promise<Record<string, unknown>> {
    let n = this.frames.length;
    this.send(value);
    for (;;) {
      const frames = await this.waitFrames(n + 1);
      const frame = frames[n] as Record<string, unknown>;
      // With the heartbeat on, one may come in before the reply; no request is answered with one.
      if (frame.type !== 'heartbeat') return frame;
      n++;
    }
  }

  /** Resolves when the server closes the connection. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    await withTimeout(this.closedPromise, scaled(timeoutMs), 'the server to close the connection');
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
