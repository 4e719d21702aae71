/**
 * Many idle connections to this server (for measuring its memory per connection): @sockworks/loadgen's
 * idle connections, each verified by one ping round trip.
 */
import type { Socket } from 'node:net';
import { lengthPrefixedReplies, openIdleConnections as openIdle } from '@sockworks/loadgen';
import { encodeFrame } from '../protocol/frame.js';

/** Options of {@link openIdleConnections}. */
export interface IdleConnectionsOptions {
  host?: string;
  port?: number;
  /** @default 10000 */
  connections?: number;
  /** Connections opened concurrently. @default 200 */
  batch?: number;
}

/** The open connections; `close()` destroys them all. */
export interface IdleConnections {
  readonly sockets: readonly Socket[];
  close(): void;
}

const PING = encodeFrame('{"type":"ping"}');

/**
 * Opens `connections` idle connections, each answered one ping (so the server accepted it rather than
 * left it queued); rejects, closing what was opened, with the first failure's `ProtocolError`.
 */
export async function openIdleConnections(options: IdleConnectionsOptions = {}): Promise<IdleConnections> {
  const idle = await openIdle({
    target: { host: options.host ?? 'localhost', port: options.port ?? 9999 },
    count: options.connections ?? 10_000,
    batch: options.batch ?? 200,
    hello: PING,
    helloReply: lengthPrefixedReplies,
  });
  if (idle.firstError !== undefined) {
    idle.close();
    throw idle.firstError;
  }
  return { sockets: idle.sockets, close: () => idle.close() };
}
