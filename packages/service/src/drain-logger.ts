import { flushLogger, type Logger } from '@sockworks/logging';

/** The parts of a sonic-boom destination (pino.destination) this module looks at. */
interface BoomLike {
  _writing?: boolean;
  once?(event: 'write' | 'drain' | 'error' | 'close', listener: () => void): unknown;
  streams?: Array<{ stream: unknown }>;
}

const POLL_MS = 5;

/**
 * Flushes the logger and then waits (up to `timeoutMs`) until no asynchronous write is in flight, so
 * `process.exit` right after cannot cut off the last lines. sonic-boom's flush() with minLength 0
 * calls back at once even while an fs.write is still running, which loses the final log line.
 */
export async function drainLogger(logger: Logger, timeoutMs = 1000): Promise<void> {
  await flushLogger(logger);
  const streams = destinations(logger);
  const deadline = Date.now() + timeoutMs;
  while (streams.some((stream) => stream._writing === true) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function destinations(logger: Logger): BoomLike[] {
  const streamSym = Object.getOwnPropertySymbols(logger).find((sym) => sym.description === 'pino.stream');
  const root = findStream(logger, streamSym);
  if (root === undefined) return [];
  if (Array.isArray(root.streams)) {
    return root.streams
      .map((entry) => entry.stream)
      .filter((s): s is BoomLike => typeof s === 'object' && s !== null);
  }
  return [root];
}

function findStream(logger: Logger, streamSym: symbol | undefined): BoomLike | undefined {
  // Child loggers inherit the stream through the prototype chain.
  let target: object | null = logger;
  while (target !== null) {
    const sym =
      streamSym ?? Object.getOwnPropertySymbols(target).find((s) => s.description === 'pino.stream');
    if (sym !== undefined) {
      const value = (logger as unknown as Record<symbol, unknown>)[sym];
      return typeof value === 'object' && value !== null ? (value as BoomLike) : undefined;
    }
    target = Object.getPrototypeOf(target) as object | null;
  }
  return undefined;
}
