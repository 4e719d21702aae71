import { onTestFinished } from 'vitest';

/** What {@link drip} writes to: a raw test client. */
export interface DripTarget {
  write(bytes: Buffer): void;
  readonly closed: boolean;
}

/**
 * Writes `data` one byte every `everyMs` until all is sent or the client is closed: the drip of a
 * slowloris client. The timer stops with the test, whatever its outcome.
 */
export function drip(client: DripTarget, data: string | Buffer, everyMs: number): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let i = 0;
  const timer = setInterval(() => {
    if (client.closed || i >= bytes.length) {
      clearInterval(timer);
      return;
    }
    client.write(bytes.subarray(i, ++i));
  }, everyMs);
  onTestFinished(() => clearInterval(timer));
}
