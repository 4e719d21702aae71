import { createServer, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';

/**
 * A TCP server on 127.0.0.1 and an ephemeral port that hands each connection to `onSocket`; when the
 * test ends its sockets are destroyed and it is closed. For scripted servers and proxies in tests.
 */
export async function startTcpServer(onSocket: (socket: Socket) => void): Promise<{ port: number }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('test server has no TCP address');
  return { port: address.port };
}
