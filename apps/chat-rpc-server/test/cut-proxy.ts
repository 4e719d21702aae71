import { connect, createServer, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';

/**
 * A TCP proxy in front of the chat server whose link can be cut, as a network failure would: `cut()`
 * destroys every proxied connection (both sides) and refuses new ones until `restore()`. Clients
 * connect to `port`; closed when the test ends.
 */
export interface CutProxy {
  readonly port: number;
  /** Connections that got through since the start. */
  readonly accepted: number;
  cut(): void;
  restore(): void;
}

/** Starts a {@link CutProxy} forwarding to 127.0.0.1:`targetPort`. */
export async function startCutProxy(targetPort: number): Promise<CutProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let up = true;
  let accepted = 0;
  const server = createServer((client) => {
    client.on('error', () => {});
    if (!up) {
      client.destroy();
      return;
    }
    accepted++;
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
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const [a, b] of pairs) {
          a.destroy();
          b.destroy();
        }
        server.close(() => resolve());
      }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('proxy has no TCP address');
  return {
    port: address.port,
    get accepted() {
      return accepted;
    },
    cut() {
      up = false;
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
    restore() {
      up = true;
    },
  };
}
