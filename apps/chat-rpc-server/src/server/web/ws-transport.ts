import type { Socket } from 'node:net';
import type { Logger } from '@sockworks/logging';
import WebSocket, { type RawData } from 'ws';
import type { ChatConnection } from '../connection.js';
import type { ChatTransport } from '../transport.js';

/** ws sends a Buffer as a binary frame unless told otherwise; chat messages are text. */
const TEXT_FRAME = { binary: false } as const;
const NEWLINE = 0x0a;

/** Close code for a binary frame (RFC 6455: 1003, "cannot accept this type of data"). */
export const UNSUPPORTED_DATA = 1003;
export const BINARY_REFUSED_REASON = 'binary frames are not accepted: send one JSON request per text frame';

/**
 * A WebSocket as a {@link ChatTransport}: each message the connection writes (compact JSON + `\n`, the
 * same Buffer every TCP recipient gets) goes out as one text frame without the newline; the output
 * cap counts ws's whole queue (`bufferedAmount`), and drain is the TCP socket's under it.
 */
export class WsTransport implements ChatTransport {
  readonly #ws: WebSocket;
  readonly #socket: Socket;
  /** A ping is out and its pong has not come back (the web heartbeat). */
  awaitingPong = false;

  constructor(ws: WebSocket, socket: Socket) {
    this.#ws = ws;
    this.#socket = socket;
  }

  get remotePort(): number | undefined {
    return this.#socket.remotePort;
  }
  get writableLength(): number {
    return this.#ws.bufferedAmount;
  }
  get writableNeedDrain(): boolean {
    return this.#socket.writableNeedDrain;
  }
  get destroyed(): boolean {
    return this.#socket.destroyed;
  }
  get writable(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  write(message: Buffer): void {
    const end =
      message.length > 0 && message[message.length - 1] === NEWLINE ? message.length - 1 : message.length;
    // A view, not a copy: a broadcast's one Buffer serves every recipient on both transports.
    this.#ws.send(message.subarray(0, end), TEXT_FRAME);
  }
  pause(): void {
    this.#ws.pause();
  }
  resume(): void {
    this.#ws.resume();
  }
  end(): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(1000);
  }
  destroy(): void {
    this.#ws.terminate();
  }

  /** Heartbeat tick: false (and the socket terminated) when the previous ping got no pong. */
  ping(): boolean {
    if (this.#ws.readyState !== WebSocket.OPEN) return true;
    if (this.awaitingPong) {
      this.#ws.terminate();
      return false;
    }
    this.awaitingPong = true;
    this.#ws.ping();
    return true;
  }

  /** Closes with 1003 (a binary frame). */
  refuseBinary(): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(UNSUPPORTED_DATA, BINARY_REFUSED_REASON);
  }
}

/**
 * Delivers `ws`'s events to `conn`: text frames as requests, drain of the TCP socket, close. Every
 * listener catches, so nothing throws out of an event callback.
 */
export function wireWebSocket(
  ws: WebSocket,
  socket: Socket,
  transport: WsTransport,
  conn: ChatConnection,
  log: Logger,
  onClosed: () => void,
): void {
  const guard = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      log.error({ err, conn: conn.id }, `${what} failed`);
      transport.destroy();
    }
  };
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      log.info({ conn: conn.id }, 'binary WebSocket frame; closing');
      transport.refuseBinary();
      return;
    }
    // binaryType is the default 'nodebuffer': a text message arrives as one Buffer.
    guard('request processing', () => conn.onFrame(data as Buffer));
  });
  ws.on('pong', () => {
    transport.awaitingPong = false;
    conn.alive = true;
  });
  // ws reports protocol violations here (1009 over maxPayload, 1007 bad UTF-8, ...) and then closes.
  ws.on('error', (err: Error & { code?: string }) => {
    log.info({ conn: conn.id, err: { code: err.code, message: err.message } }, 'WebSocket error');
  });
  const onDrain = () => guard('drain', () => conn.onDrain());
  socket.on('drain', onDrain);
  ws.on('close', () => {
    socket.off('drain', onDrain);
    guard('close', () => conn.onClose());
    onClosed();
  });
}
