/** Helpers for tests that run the server and client as processes from their TypeScript sources. */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scaled, spawnTracked, type TrackedProcess, tsxArgs, waitFor } from '@sockworks/test-utils';

export const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

/** A spawned process with its output collected; its process group is killed when the test ends. */
export interface Proc {
  child: ChildProcess;
  tracked: TrackedProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name); rejects naming the process after its deadline. */
  readonly exited: Promise<number | string>;
}

function procOf(tracked: TrackedProcess): Proc {
  return {
    child: tracked.child,
    tracked,
    stdout: () => tracked.stdout(),
    stderr: () => tracked.stderr(),
    get exited() {
      return tracked.exited.then(({ code, signal }) => code ?? signal ?? -1);
    },
  };
}

/** Spawns `node <script> ...args` from the app directory with a controlled environment. */
export function run(script: string, args: string[], env: Record<string, string> = {}): Proc {
  const tracked = spawnTracked(process.execPath, tsxArgs(script, ...args), {
    cwd: APP_DIR,
    env: { PATH: process.env.PATH ?? '', LOG_PRETTY: '0', LOG_LEVEL: 'info', ...env },
    stdin: 'pipe',
    label: [script, ...args].join(' '),
  });
  return procOf(tracked);
}

/** Polls until `check` returns a value, or fails naming `what` after the (scaled) deadline. */
export async function until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  return waitFor(check, { timeoutMs: scaled(timeoutMs), what });
}

/** Starts the server process on 127.0.0.1 and a free port; resolves once it logged "listening". */
export async function startServerProcess(args: string[] = []): Promise<Proc & { port: number }> {
  const proc = run('src/main.ts', ['--host', '127.0.0.1', '--port', '0', ...args]);
  const listening = await proc.tracked.waitForLogLine(
    (entry) => entry.msg === 'listening' && typeof entry.address === 'string',
    '"listening"',
  );
  return Object.assign(proc, { port: Number(String(listening.address).split(':').at(-1)) });
}
