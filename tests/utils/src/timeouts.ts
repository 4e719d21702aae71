/**
 * One factor stretches every deadline in the tests. On a busy machine (CI shares its cores; a
 * developer runs the suite next to a build) a child process can take many times longer to start than
 * on a quiet one, and a deadline tuned on a quiet machine then fails a correct test. Deadlines in the
 * tests are upper bounds for "something is stuck", never assertions on speed, so stretching them only
 * delays the report of a real hang.
 */
import { availableParallelism, loadavg } from 'node:os';

/** The environment variable that sets the factor (a positive number; unset: from the load average). */
export const TIMEOUT_SCALE_ENV = 'SOCKWORKS_TEST_TIMEOUT_SCALE';

/** The largest factor taken from the load average; set the variable for more. */
const MAX_AUTO_SCALE = 3;

/**
 * The factor: SOCKWORKS_TEST_TIMEOUT_SCALE when set, else the 1-minute load average per core,
 * clamped to 1..3. vitest.shared.ts computes it once and puts it in the environment, so the test
 * timeouts (main process) and the waits (workers) use the same factor for the whole run.
 */
export function timeoutScale(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[TIMEOUT_SCALE_ENV];
  if (raw !== undefined && raw !== '') {
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(`${TIMEOUT_SCALE_ENV} must be a positive number, got ${JSON.stringify(raw)}`);
    }
    return value;
  }
  const perCore = (loadavg()[0] ?? 0) / availableParallelism();
  return Math.min(MAX_AUTO_SCALE, Math.max(1, Math.round(perCore * 10) / 10));
}

/** `ms` stretched by the run's factor. */
export function scaled(ms: number): number {
  return Math.round(ms * timeoutScale());
}

/**
 * Default deadlines (before scaling). A process deadline covers a tsx start (TypeScript transform of
 * the app and its packages), which on a loaded 2-core machine took over 15 s.
 */
export const DEADLINES = {
  /** A condition polled in-process (a connection counted, a message arrived). */
  condition: 10_000,
  /** A child process printing its "listening" line, or exiting on its own. */
  process: 30_000,
  /**
   * vitest's test and hook timeout, the backstop: above the single waits, so a stuck wait fails with
   * its own message first. A test that strings several process waits together sets its own.
   */
  test: 60_000,
} as const;
