/**
 * Many idle connections, for measuring a server's memory per connection. Opened in batches so the
 * listen backlog is not overrun; each may send one hello (a handshake, a ping) and wait for one reply,
 * which proves the server accepted the connection rather than left it queued.
 */
import type { Socket } from 'node:net';
import { ClientErrorCode, ProtocolError } from '@sockworks/error-codes';
import { checkInt, withDefaults } from '@sockworks/service';
import type { ReplyCounterFactory } from './reply-counters.js';
import { connectSocket, describeTarget, type LoadTarget } from './target.js';

/** Defaults of {@link IdleConnectionsOptions}. */
export const IDLE_CONNECTIONS_DEFAULTS = {
  /** Connections opened at once. @default 200 */
  batch: 200,
  /** @default 5000 */
  connectTimeoutMs: 5_000,
  /** Time each connection has to answer its hello (with `helloReply`). @default 5000 */
  replyTimeoutMs: 5_000,
} as const;

/** Options of {@link openIdleConnections}. */
export interface IdleConnectionsOptions {
  target: LoadTarget;
  count: number;
  batch?: number;
  connectTimeoutMs?: number;
  /** Bytes each connection sends once connected; then it stays silent. */
  hello?: Uint8Array;
  /** With `hello`: wait for one reply, counted by this counter, on each connection. */
  helloReply?: ReplyCounterFactory;
  replyTimeoutMs?: number;
}

/** The connections that opened; `close()` destroys them all. */
export interface IdleConnections {
  /** Connections opened (and answered, with `helloReply`); whatever the server says later is discarded. */
  readonly sockets: readonly Socket[];
  /** Connections that could not be opened or did not answer; none of them is in `sockets`. */
  readonly failed: number;
  /** Why the first of them failed (a `ProtocolError`: CONNECT_FAILED, REQUEST_TIMEOUT or CONNECTION_CLOSED). */
  readonly firstError: Error | undefined;
  close(): void;
}

type ResolvedIdle = typeof IDLE_CONNECTIONS_DEFAULTS & IdleConnectionsOptions;

/** Opens `count` idle connections; never rejects for a connection that fails (see `failed`). */
export async function openIdleConnections(options: IdleConnectionsOptions): Promise<IdleConnections> {
  const o = withDefaults(IDLE_CONNECTIONS_DEFAULTS, options);
  checkInt('count', o.count, { min: 0 });
  for (const name of ['batch', 'connectTimeoutMs', 'replyTimeoutMs'] as const) checkInt(name, o[name]);
  const sockets: Socket[] = [];
  let failed = 0;
  let firstError: Error | undefined;
  for (let first = 0; first < o.count; first += o.batch) {
    const batch: Promise<void>[] = [];
    for (let i = first; i < Math.min(o.count, first + o.batch); i++) {
      const what = `idle connection ${i + 1} of ${o.count}`;
      batch.push(
        openOne(o, what).then(
          (socket) => {
            sockets.push(socket);
          },
          (err: Error) => {
            failed++;
            firstError ??= err;
          },
        ),
      );
    }
    await Promise.all(batch);
  }
  return {
    sockets,
    failed,
    firstError,
    close() {
      for (const s of sockets) s.destroy();
    },
  };
}

async function openOne(o: ResolvedIdle, what: string): Promise<Socket> {
  const socket = await connectSocket(o.target, o.connectTimeoutMs, what);
  // An idle connection may be reset later (a server restart); that must not crash the holder.
  socket.on('error', () => {});
  if (o.hello !== undefined) socket.write(o.hello);
  if (o.hello !== undefined && o.helloReply !== undefined) {
    try {
      await firstReply(socket, o.helloReply, o.replyTimeoutMs, `${what} to ${describeTarget(o.target)}`);
    } catch (err) {
      socket.destroy();
      throw err;
    }
  }
  // Read and discard whatever the server says from now on (handshake replies, heartbeats).
  socket.resume();
  return socket;
}

/** Resolves on the first complete reply; rejects when the socket closes first or after `timeoutMs`. */
function firstReply(socket: Socket, replies: ReplyCounterFactory, timeoutMs: number, what: string) {
  const counter = replies();
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onData = (chunk: Buffer): void => {
      if (counter.feed(chunk) > 0) done();
    };
    const onClose = (): void =>
      done(new ProtocolError(ClientErrorCode.CONNECTION_CLOSED, `${what} was closed before its reply`));
    const timer = setTimeout(
      () =>
        done(new ProtocolError(ClientErrorCode.REQUEST_TIMEOUT, `${what}: no reply within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}
