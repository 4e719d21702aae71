/** Test helpers: a server on port 0 with cleanup, and a raw-socket client that reads frames. */
import { framings, RawSocketClient, scaled, waitFor as testWaitFor } from '@sockworks/test-utils';
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

/** A decoded frame: the server only sends JSON objects. */
export type Frame = Record<string, unknown>;

/** Length-prefixed JSON frames, each checked to be an object. */
const FRAMES = framings.map(framings.lengthPrefixedJson(), (value): Frame => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`a frame that is not a JSON object: ${JSON.stringify(value)}`);
  }
  return value as Frame;
});

/** A raw TCP client that collects decoded frames; timeouts are in unscaled ms (scaled here). */
export class RawClient extends RawSocketClient<Frame> {
  /** Connects to 127.0.0.1:port; destroyed when the test finishes. */
  static connect(port: number): Promise<RawClient> {
    return RawClient.open(port, FRAMES);
  }

  /** Every frame received so far. */
  get frames(): Frame[] {
    return this.messages;
  }

  /** Sends one JSON frame. */
  send(value: unknown): void {
    this.write(frame(value));
  }

  /** Resolves once `count` frames have arrived in total (rejects on close or timeout). */
  waitFrames(count: number, timeoutMs = 5000): Promise<Frame[]> {
    return this.waitForMessages(count, scaled(timeoutMs));
  }

  /** Sends `value` and resolves with the reply: the next frame that is not a server heartbeat. */
  async request(value: unknown): Promise<Frame> {
    let n = this.frames.length;
    this.send(value);
    for (;;) {
      const frames = await this.waitFrames(n + 1);
      const reply = frames[n] as Frame;
      // With the heartbeat on, one may come in before the reply; no request is answered with one.
      if (reply.type !== 'heartbeat') return reply;
      n++;
    }
  }

  /** Resolves when the server closes the connection. */
  override waitClosed(timeoutMs = 5000): Promise<void> {
    return super.waitClosed(scaled(timeoutMs));
  }
}

export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
