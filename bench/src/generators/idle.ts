import { openIdleConnections } from '@sockworks/loadgen';
import type { Target } from '../target.ts';

/** Opens `count` idle connections and keeps them open until `release` resolves. */
export async function holdIdleConnections(opts: {
  target: Target;
  count: number;
  /** bytes each connection sends once (e.g. a WebSocket upgrade request), then it stays silent */
  hello?: string;
  onConnected(open: number): void;
  release: Promise<void>;
}): Promise<{ open: number; errors: number }> {
  const idle = await openIdleConnections({
    target: opts.target,
    count: opts.count,
    batch: 500,
    hello: opts.hello === undefined ? undefined : Buffer.from(opts.hello),
  });
  try {
    const open = idle.sockets.filter((s) => !s.destroyed).length;
    opts.onConnected(open);
    await opts.release;
    return { open, errors: idle.failed };
  } finally {
    idle.close();
  }
}
