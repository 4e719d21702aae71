import pino, { type Logger } from 'pino';

/** The parts of a pino destination (sonic-boom, or a multistream of them) that flushing looks at. */
interface Destination {
  flushSync?: () => void;
  streams?: ReadonlyArray<{ stream: unknown }>;
  _writing?: boolean;
  on?(event: string, listener: () => void): unknown;
  off?(event: string, listener: () => void): unknown;
}

/** Longest flushLogger() waits for writes already in flight, so a stuck disk cannot hang shutdown. */
const FLUSH_WAIT_MS = 1000;

/**
 * sonic-boom's signals that `_writing` may have changed: a write completed ('drain'), a file was
 * opened ('ready': the first open, or a rotation's reopen, which counts as writing until done), or
 * the stream failed or closed.
 */
const IDLE_EVENTS = ['drain', 'ready', 'error', 'close'] as const;

/** Resolves once a sonic-boom destination has no write or open in flight (at once for others). */
function whenIdle(dest: Destination, deadline: number): Promise<void> {
  const { on, off } = dest;
  if (dest._writing !== true || on === undefined || off === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      for (const event of IDLE_EVENTS) off.call(dest, event, onEvent);
      resolve();
    };
    // Checked after the emitting call has finished: right after 'ready' sonic-boom starts writing
    // what was buffered during the open, and that write must complete first.
    const onEvent = (): void =>
      queueMicrotask(() => {
        if (dest._writing !== true) done();
      });
    const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
    timer.unref();
    for (const event of IDLE_EVENTS) on.call(dest, event, onEvent);
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
  const deadline = Date.now() + FLUSH_WAIT_MS;
  await Promise.all(destinations.map((dest) => whenIdle(dest, deadline)));
  // One by one: a multistream's own flushSync() stops at the first destination that throws.
  for (const dest of destinations) {
    try {
      dest.flushSync?.();
    } catch {
      // "not ready" or EAGAIN: the async flush below still runs.
    }
  }
  await new Promise<void>((resolve) => {
    try {
      logger.flush(() => resolve());
    } catch {
      resolve();
    }
  });
}
