/**
 * Cleanups that run however a test ends: when the test finishes (passed, failed or timed out), else
 * when the file's tests finish, and in any case when the worker process exits or is told to stop
 * (vitest stops a worker with SIGTERM, which skips 'exit' listeners unless someone handles it).
 */
import { afterAll, onTestFinished, type TestContext } from 'vitest';

/** A synchronous cleanup (it also runs in an 'exit' listener, where nothing asynchronous runs). */
export type Cleanup = (context: TestContext | undefined) => void;

const pending = new Set<Cleanup>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
let hooked = false;

function runPending(): void {
  for (const cleanup of [...pending]) {
    pending.delete(cleanup);
    try {
      cleanup(undefined);
    } catch {
      // Best effort on the way out; the other cleanups still run.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runPending();
  for (const s of SIGNALS) process.off(s, onSignal);
  // Without other listeners the default action (terminate) applies again: re-raise it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function hookProcess(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', runPending);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

/**
 * Runs `cleanup` once: after the current test (or, outside a test, after the current file) and at the
 * latest when the worker exits. Returns a function that runs it now (and unregisters it).
 */
export function registerCleanup(cleanup: Cleanup): () => void {
  hookProcess();
  pending.add(cleanup);
  const runOnce = (context: TestContext | undefined): void => {
    if (pending.delete(cleanup)) cleanup(context);
  };
  try {
    onTestFinished((context) => runOnce(context));
  } catch {
    try {
      afterAll(() => runOnce(undefined));
    } catch {
      // Inside a beforeAll/afterAll hook: only the exit listener (or an explicit call) remains.
    }
  }
  return () => runOnce(undefined);
}
