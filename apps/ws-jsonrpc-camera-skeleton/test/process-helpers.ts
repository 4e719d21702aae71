import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTracked, type TrackedProcess, tempDir as testTempDir, tsxArgs } from '@sockworks/test-utils';

export { jsonLines } from '@sockworks/test-utils';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A child process running one of the app's TypeScript entry points, with its output collected. */
export interface Child {
  proc: ChildProcess;
  tracked: TrackedProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with how it ended; rejects naming the process if it does not exit within its deadline. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `src/<entry>` with tsx and the sockworks-source condition; its process group dies with the test. */
export function runEntry(
  entry: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Child {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_PRETTY: '0', ...options.env };
  delete env.LOG_LEVEL;
  if (options.env?.LOG_LEVEL !== undefined) env.LOG_LEVEL = options.env.LOG_LEVEL;
  const tracked = spawnTracked(process.execPath, tsxArgs(join(appDir, 'src', entry), ...args), {
    cwd: options.cwd ?? appDir,
    env,
    label: [entry, ...args].join(' '),
  });
  return {
    proc: tracked.child,
    tracked,
    stdout: () => tracked.stdout(),
    stderr: () => tracked.stderr(),
    get exited() {
      return tracked.exited;
    },
  };
}

/** A fresh temp directory, removed when the test ends. */
export function tempDir(): string {
  return testTempDir('wsrpc-');
}
