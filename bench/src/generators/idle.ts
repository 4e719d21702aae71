import { connect, type Socket } from 'node:net';
import { connectOptions, type Target } from '../target.ts';

/** Opens `count` idle connections and keeps them open until `release` resolves. */
export async function holdIdleConnections(opts: {
  target: Target;
  count: number;
  /** bytes each connection sends once (e.g. a WebSocket upgrade request), then it stays silent */
  hello?: string;
  onConnected(open: number): void;
  release: Promise<void>;
}): Promise<{ open: number; errors: number }> {
  const sockets: Socket[] = [];
  let errors = 0;
  for (let i = 0; i < opts.count; i += 500) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(opts.count, i + 500); j++) {
      batch.push(
        new Promise<void>((resolve) => {
          const s = connect(connectOptions(opts.target));
          sockets.push(s);
          s.on('connect', () => {
            if (opts.hello) s.write(opts.hello);
            resolve();
          });
          // Read and discard whatever the server says (handshake replies, pings).
          s.resume();
          s.on('error', () => {
            errors++;
            resolve();
          });
        }),
      );
    }
    await Promise.all(batch);
  }
  const open = sockets.filter((s) => !s.destroyed).length;
  opts.onConnected(open);
  await opts.release;
  for (const s of sockets) s.destroy();
  return { open, errors };
}
