import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import type { JsonRpcEngine } from '@sockworks/jsonrpc';
import { type Logger, truncateForLog } from '@sockworks/logging';
import type { ServiceMetrics } from '@sockworks/metrics';
import WebSocket, { type RawData } from 'ws';
import type { WsConnectionContext } from './connection-context.js';
import type { RpcContext } from './context.js';
import type { MessageLogLevel } from './options.js';

/** Close code and reason sent to every client on shutdown. */
export const GOING_AWAY = { code: 1001, reason: 'Server shutting down' } as const;

/** What a connection needs from its server: one object shared by every connection of the server. */
export interface ConnectionDeps {
  engine: JsonRpcEngine<RpcContext>;
  messageLogLevel: MessageLogLevel;
  /** Decided once per server: the per-message path must not pay for disabled log lines. */
  logMessages: boolean;
  logMaxChars: number;
  maxBufferedBytes: number;
  /** Called once, after the socket closed. */
  onClose(connection: WsRpcConnection, code: number): void;
  /** Counts responses sent and slow consumers when metrics are on. */
  metrics?: ServiceMetrics | undefined;
}

/** ws sends a Buffer as a binary frame unless told otherwise; JSON-RPC replies are text. */
const TEXT_FRAME = { binary: false } as const;

const kConnection = Symbol('WsRpcConnection');
type TaggedWebSocket = WebSocket & { [kConnection]: WsRpcConnection };

function connectionOf(ws: WebSocket): WsRpcConnection {
  return (ws as TaggedWebSocket)[kConnection];
}

/** The ws listeners of every connection, defined in WsRpcConnection's static block. */
let wsListeners: {
  message(this: WebSocket, data: RawData): void;
  pong(this: WebSocket): void;
  error(this: WebSocket, err: Error & { code?: string }): void;
  close(this: WebSocket, code: number): void;
};

/**
 * One WebSocket client: feeds each message to the JSON-RPC engine and sends the reply. Owns
 * backpressure (reading pauses while the socket's write buffer needs draining; a client whose queued
 * output passes the cap is terminated), the heartbeat flag, and the message log lines.
 *
 * Memory per idle connection is kept small: the ws listeners are shared functions (the socket carries
 * a back-reference), and the reply callbacks and the child logger are created on first use.
 */
export class WsRpcConnection {
  readonly ctx: WsConnectionContext;
  /** The upgraded TCP socket (metrics read its byte counts). */
  get socket(): Socket {
    return this.#socket;
  }
  readonly #ws: WebSocket;
  readonly #socket: Socket;
  readonly #deps: ConnectionDeps;
  #alive = true;
  #paused = false;
  #corked = false;
  /** Upper bound of the socket's output queue (see #send). */
  #queued = 0;
  /** Messages handed to the engine whose reply has not been sent yet. */
  #inFlight = 0;
  /** shutdown() was called: close with 1001 once the in-flight replies are out; take no new messages. */
  #draining = false;
  #uncork: (() => void) | undefined;
  #onDrain: (() => void) | undefined;

  constructor(ws: WebSocket, socket: Socket, ctx: WsConnectionContext, deps: ConnectionDeps) {
    this.ctx = ctx;
    this.#ws = ws;
    this.#socket = socket;
    this.#deps = deps;
    (ws as TaggedWebSocket)[kConnection] = this;
    ws.on('message', wsListeners.message);
    ws.on('pong', wsListeners.pong);
    // ws reports protocol violations here (1009 too big, 1007 bad UTF-8, ...) and then closes the socket.
    ws.on('error', wsListeners.error);
    ws.on('close', wsListeners.close);
  }

  /** The connection's child logger (created on first use). */
  get logger(): Logger {
    return this.ctx.logger;
  }

  /** Sends a heartbeat ping; terminates the client when the previous ping got no pong. */
  heartbeat(): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    if (!this.#alive) {
      this.logger.warn('No pong since the last heartbeat: terminating');
      this.#ws.terminate();
      return;
    }
    this.#alive = false;
    this.#ws.ping();
  }

  /**
   * Graceful: replies to the requests already in flight are still sent, then close frame 1001; messages
   * arriving meanwhile are dropped. The server destroys connections still open after the grace period.
   */
  shutdown(): void {
    this.#draining = true;
    if (this.#inFlight === 0) this.#goAway();
  }

  /** Forceful: destroys the socket at once. */
  destroy(): void {
    this.#ws.terminate();
  }

  static {
    // Listeners shared by every connection (`this` is the WebSocket); a static block may reach the
    // private members, so nothing internal becomes public for them.
    wsListeners = {
      message(data) {
        // binaryType is the default 'nodebuffer', so every message is one Buffer.
        connectionOf(this).#onMessage(data as Buffer);
      },
      pong() {
        connectionOf(this).#alive = true;
      },
      error(err) {
        connectionOf(this).logger.warn({ err: { code: err.code, message: err.message } }, 'WebSocket error');
      },
      close(code) {
        const connection = connectionOf(this);
        if (connection.#onDrain) connection.#socket.off('drain', connection.#onDrain);
        connection.#deps.onClose(connection, code);
      },
    };
  }

  #goAway(): void {
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) {
      this.#ws.close(GOING_AWAY.code, GOING_AWAY.reason);
    }
  }

  #onMessage(data: Buffer): void {
    if (this.#draining) return;
    if (this.#deps.logMessages) {
      this.logger[this.#deps.messageLogLevel](
        { input: truncateForLog(data.toString(), this.#deps.logMaxChars) },
        `Received from ${this.ctx.remote}`,
      );
    }
    let reply: string | undefined | Promise<string | undefined>;
    try {
      // Text and binary frames alike go in as bytes: the engine checks and decodes UTF-8 in one pass
      // (ws has already checked text frames; a binary frame that is not UTF-8 gets -32700).
      reply = this.#deps.engine.respond(data, this.ctx);
    } catch (err) {
      this.#engineFailed(err);
      return;
    }
    // Synchronous methods (ping and most others) answer in this turn, without a microtask hop; only
    // replies still to come are counted as in flight (shutdown waits for them).
    if (typeof reply === 'string') {
      this.#send(reply);
    } else if (reply !== undefined) {
      this.#inFlight++;
      reply.then(
        (text) => {
          if (text !== undefined) this.#send(text);
          this.#settled();
        },
        (err: unknown) => {
          this.#engineFailed(err);
          this.#settled();
        },
      );
    }
  }

  #engineFailed(err: unknown): void {
    // The engine promises never to throw or reject; if it does, that is a bug worth an error line.
    this.logger.error({ err }, 'JSON-RPC engine failed');
  }

  /** An async reply is done with: once the last one is, a draining connection closes. */
  #settled(): void {
    if (--this.#inFlight === 0 && this.#draining) this.#goAway();
  }

  #send(text: string): void {
    const ws = this.#ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    // Encoded here rather than by ws: a Buffer payload leaves as [header, payload] through writev's
    // all-buffers path, where a string costs a byte count in ws and an encode inside the write (about
    // 5% more CPU per ping in an A/B); and the cap below counts exact bytes.
    const payload = Buffer.from(text);
    // Bytes handed to the socket since the last flush, plus what the kernel had not taken then: an
    // upper bound of the socket's queue, kept so the common case costs an addition; the queue itself is
    // measured only when the bound nears the cap.
    const max = this.#deps.maxBufferedBytes;
    if (this.#queued + payload.length > max && !this.#roomFor(payload.length, max)) return;
    this.#queued += payload.length;
    if (this.#deps.logMessages) {
      this.logger[this.#deps.messageLogLevel](
        { output: truncateForLog(text, this.#deps.logMaxChars) },
        `Sending to ${this.ctx.remote}`,
      );
    }
    if (!this.#corked) {
      // Replies to a burst of pipelined requests (answered one after another while ws parses the
      // frames of one read, or resolved in the same microtask run) are corked until the next tick:
      // one writev instead of one syscall per reply. A lone reply costs one cheap nextTick.
      this.#corked = true;
      this.#socket.cork();
      this.#uncork ??= () => this.#flush();
      process.nextTick(this.#uncork);
    }
    ws.send(payload, TEXT_FRAME);
    this.#deps.metrics?.sent('response');
  }

  /** Measures the real queue; false (and the client terminated) when it is a backlog over the cap. */
  #roomFor(length: number, max: number): boolean {
    // What is corked is ours, not the client's backlog: flush it to the kernel, then measure.
    this.#flush();
    const queued = this.#ws.bufferedAmount;
    this.#queued = queued;
    // A reply alone may exceed the cap (up to maxBatch results); what is capped is the unread backlog.
    if (queued === 0 || queued + length <= max) return true;
    this.logger.warn(
      { bufferedAmount: queued, maxBufferedBytes: max },
      'Client is not reading its replies: output queue over the cap, terminating',
    );
    this.#deps.metrics?.slowConsumer(this.#socket);
    this.#ws.terminate();
    return false;
  }

  #flush(): void {
    // Also called early by #send; the scheduled tick then finds nothing to do.
    if (!this.#corked) return;
    this.#corked = false;
    this.#socket.uncork();
    this.#queued = this.#socket.writableLength;
    // Measured after the flush: what the kernel did not take is the client's backlog, not our cork.
    if (this.#socket.writableNeedDrain && !this.#paused) {
      // Stop reading requests until the client reads its replies: TCP backpressure, bounded memory.
      this.#paused = true;
      this.logger.debug(
        { bufferedAmount: this.#ws.bufferedAmount },
        'Client reads slower than we write: pausing its input',
      );
      this.#ws.pause();
      this.#onDrain ??= () => {
        this.#paused = false;
        if (this.#ws.readyState === WebSocket.OPEN) this.#ws.resume();
      };
      this.#socket.once('drain', this.#onDrain);
    }
  }
}
