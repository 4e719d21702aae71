/** Waits with a deadline whose error says what was waited for. */
import { DEADLINES, scaled } from './timeouts.js';

/** A wait passed its deadline; the message names what it waited for. */
export class WaitTimeoutError extends Error {
  readonly code = 'WAIT_TIMEOUT';
  override name = 'WaitTimeoutError';
}

/** What waitFor() polls: a value other than undefined/false/null ends the wait and is returned. */
export type Check<T> = () => T | undefined | false | null | Promise<T | undefined | false | null>;

/** Options of waitFor(). */
export interface WaitOptions {
  /** What is waited for, as it reads after "timed out waiting for". */
  what: string;
  /** Deadline in ms, already scaled; default: DEADLINES.condition scaled. */
  timeoutMs?: number;
  /** Poll interval in ms; default 10. */
  intervalMs?: number;
}

/**
 * Polls `check` until it returns a value (not undefined/false/null) and resolves with it; rejects
 * with WaitTimeoutError naming `what` after the deadline. An exception from `check` ends the wait.
 */
export async function waitFor<T>(check: Check<T>, options: WaitOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? scaled(DEADLINES.condition);
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false && value !== null) return value;
    if (Date.now() - started > timeoutMs) {
      throw new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${options.what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 10));
  }
}

/** Resolves or rejects as `promise` does, or rejects with WaitTimeoutError naming `what` after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new WaitTimeoutError(`timed out after ${ms} ms waiting for ${what}`)),
      ms,
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Anything that can await its live connection count: a NetService, a TrackedHttpServer, an app server. */
export interface ConnectionCountSource {
  waitForConnections(n: number): Promise<void>;
  /** When present (this or `connectionCount`), the count reported in the timeout error. */
  readonly connections?: { readonly size: number };
  readonly connectionCount?: number;
}

/**
 * Resolves once `source` has exactly `n` live connections, awaiting its connection events (no
 * polling); rejects with WaitTimeoutError after `timeoutMs` (default: DEADLINES.condition scaled),
 * naming `what` and the count at that moment.
 */
export async function connectionsReach(
  source: ConnectionCountSource,
  n: number,
  what = `${n} connection${n === 1 ? '' : 's'}`,
  timeoutMs = scaled(DEADLINES.condition),
): Promise<void> {
  try {
    await withTimeout(source.waitForConnections(n), timeoutMs, what);
  } catch (err) {
    const size = source.connections?.size ?? source.connectionCount;
    if (err instanceof WaitTimeoutError && size !== undefined) {
      throw new WaitTimeoutError(`${err.message} (${size} open, want ${n})`);
    }
    throw err;
  }
}
