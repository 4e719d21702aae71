import { connect, type Socket } from 'node:net';
import { startTcpServer } from '@sockworks/test-utils';

/**
 * A TCP proxy in front of the chat server whose link can be cut, as a network failure would: `cut()`
 * destroys every proxied connection (both sides) and refuses new ones until `restore()`. Clients
 * connect to `port`; closed when the test ends.
 */
export interface CutProxy {
  readonly port: number;
  cut(): void;
  restore(): void;
}

/** Starts a {@link CutProxy} forwarding to 127.0.0.1:`targetPort`. */
export async function startCutProxy(targetPort: number): Promise<CutProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let up = true;
  const destroyAll = () => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  const { port } = await startTcpServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    upstream.on('error', () => {});
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return {
    port,
    cut() {
      up = false;
      destroyAll();
    },
    restore() {
      up = true;
    },
  };
}
