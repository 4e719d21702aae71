/** A scripted TCP server for tests that play the other side: a fake server, a proxy, a silent peer. */
import { createServer, type Server, type Socket } from 'node:net';
import { registerCleanup } from './cleanup.js';

/** A started {@link startTcpServer}: where it listens. */
export interface TestTcpServer {
  readonly server: Server;
  readonly port: number;
  /** Connections open now. */
  readonly sockets: ReadonlySet<Socket>;
}

/**
 * Listens on 127.0.0.1 and an ephemeral port and hands each connection to `onSocket` (an 'error'
 * listener is already on it). When the test ends (or the file, outside a test) every connection is
 * destroyed and the server closed.
 */
export async function startTcpServer(onSocket: (socket: Socket) => void = () => {}): Promise<TestTcpServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  registerCleanup(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test TCP server has no port');
  return { server, port: address.port, sockets };
}
