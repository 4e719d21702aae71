/**
 * Opens many idle connections (for measuring a server's memory per connection). Connects in batches
 * so the listen backlog is not overrun, and verifies each connection with one ping at the end.
 */
import { connect as netConnect, type Socket } from 'node:net';
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

/** Opens `connections` idle connections; rejects (closing what was opened) if any fails. */
export async function openIdleConnections(options: IdleConnectionsOptions = {}): Promise<IdleConnections> {
  const host = options.host ?? 'localhost';
  const port = options.port ?? 9999;
  const total = options.connections ?? 10_000;
  const batch = options.batch ?? 200;
  const sockets: Socket[] = [];
  const close = (): void => {
    for (const s of sockets) s.destroy();
  };
  try {
    for (let opened = 0; opened < total; ) {
      const n = Math.min(batch, total - opened);
      const group = await Promise.all(Array.from({ length: n }, () => openOne(host, port)));
      sockets.push(...group);
      opened += n;
    }
    await Promise.all(sockets.map((s) => pingOnce(s)));
  } catch (err) {
    close();
    throw err;
  }
  return { sockets, close };
}

function openOne(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

const PING = encodeFrame('{"type":"ping"}');

/** One ping round trip: proves the server accepted the connection rather than queueing it. */
function pingOnce(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = 0;
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received >= 4 && received >= 4 + chunk.readUInt32BE(0)) {
        socket.off('data', onData);
        socket.off('close', onClose);
        resolve();
      }
    };
    const onClose = (): void => reject(new Error('connection closed by the server'));
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(PING);
  });
}
