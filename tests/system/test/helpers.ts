import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DEADLINES,
  runTracked,
  scaled,
  spawnTracked,
  TrackedProcess,
  withTimeout,
} from '@sockworks/test-utils';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Every app directory under apps/. */
export const APPS: readonly string[] = readdirSync(join(ROOT, 'apps'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** tsx's loader by absolute URL, so child processes may run with any working directory. */
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** Node arguments that run an app's TypeScript entry point from source. */
export function sourceEntry(app: string, file = 'main.ts'): string[] {
  return ['--conditions=sockworks-source', '--import', TSX_LOADER, join(ROOT, 'apps', app, 'src', file)];
}

/**
 * Runs `node <args>` to completion and returns its exit code and output. A run that outlives its
 * deadline is killed (with its process group) and fails naming the command and its output tail.
 */
export async function run(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await runTracked(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? process.env,
    label: `node ${describeArgs(args)}`,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: scaled(options.timeoutMs) }),
  });
  return { code, stdout, stderr };
}

/** Node arguments as they read in a message: the script (repo-relative) and its own arguments. */
function describeArgs(args: readonly string[]): string {
  const script = args.findIndex((a, i) => !a.startsWith('-') && args[i - 1] !== '--import');
  const shown = script === -1 ? args : args.slice(script);
  return shown
    .map((a) => (a.startsWith(`${ROOT}/`) ? a.slice(ROOT.length + 1) : a))
    .map((a) => (a.length > 80 ? `${a.slice(0, 77)}...` : a))
    .join(' ');
}

export { freePort } from '@sockworks/test-utils';

/**
 * Starts `node <args>` and resolves once its output matches `ready`; fails naming the command and its
 * output tail if it exits first or does not get ready within the deadline. Its process group is
 * killed when the test ends.
 */
export async function startUntil(
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; ready: RegExp; timeoutMs?: number },
): Promise<{ child: ChildProcess; tracked: TrackedProcess; output: () => string }> {
  const tracked = spawnTracked(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env: options.env,
    label: `node ${describeArgs(args)}`,
  });
  await tracked.waitForOutput(options.ready, {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: scaled(options.timeoutMs) }),
  });
  return { child: tracked.child, tracked, output: () => tracked.output() };
}

/** Sends SIGTERM and resolves with the exit code; fails naming the process if it does not exit in time. */
export async function stop(proc: TrackedProcess | ChildProcess): Promise<number | null> {
  if (proc instanceof TrackedProcess) {
    proc.signal('SIGTERM');
    return (await proc.exited).code;
  }
  if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
  const exited = new Promise<number | null>((resolvePromise) => proc.once('exit', resolvePromise));
  proc.kill('SIGTERM');
  return withTimeout(exited, scaled(DEADLINES.process), `pid ${proc.pid} to exit after SIGTERM`);
}

/** Reads a file of the repository as text. */
export function readRepoFile(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}
