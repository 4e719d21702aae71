import pino, { type Logger } from 'pino';

/** The parts of a pino destination (sonic-boom, or a multistream of them) that flushing looks at. */
interface Destination {
  flushSync?: () => void;
  streams?: ReadonlyArray<{ stream: unknown }>;
  _writing?: boolean;
  once?(event: string, listener: () => void): unknown;
  off?(event: string, listener: () => void): unknown;
}

/** Longest flushLogger() waits for a write already in flight, so a stuck disk cannot hang shutdown. */
const FLUSH_WAIT_MS = 1000;

/** Resolves once a sonic-boom destination has no asynchronous write in flight (at once for others). */
function whenIdle(dest: Destination): Promise<void> {
  const { once, off } = dest;
  if (dest._writing !== true || once === undefined || off === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      for (const event of ['drain', 'error', 'close']) off.call(dest, event, done);
      resolve();
    };
    const timer = setTimeout(done, FLUSH_WAIT_MS);
    timer.unref();
    // sonic-boom emits 'drain' when its last queued write has completed.
    for (const event of ['drain', 'error', 'close']) once.call(dest, event, done);
  });
}

/** Waits until everything logged so far has been handed to the OS (call before process.exit). */
export async function flushLogger(logger: Logger): Promise<void> {
  const root = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as
    | Destination
    | undefined;
  if (root === undefined) return;
  const destinations = Array.isArray(root.streams)
    ? root.streams.map((entry) => entry.stream as Destination)
    : [root];
  // sonic-boom's flush(cb) calls back at once (minLength 0) even while an fs.write is still running,
  // and flushSync() during one would write later lines before it: so first wait for writes in flight
  // (sonic-boom keeps writing until its queue is empty), then write out anything left synchronously.
  await Promise.all(destinations.map(whenIdle));
  try {
    root.flushSync?.();
  } catch {
    // "not ready" or EAGAIN: the async flush below still runs.
  }
  await new Promise<void>((resolve) => {
    try {
      logger.flush(() => resolve());
    } catch {
      resolve();
    }
  });
}
