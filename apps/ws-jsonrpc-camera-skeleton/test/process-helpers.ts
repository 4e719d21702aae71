import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
// Resolved from the app, so children can run with any cwd.
const tsxLoader = createRequire(join(appDir, 'package.json')).resolve('tsx');

/** A child process running one of the app's TypeScript entry points, with its output collected. */
export interface Child {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `src/<entry>` with tsx and the sockworks-source condition; killed when the test ends. */
export function runEntry(
  entry: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Child {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_PRETTY: '0', ...options.env };
  delete env.LOG_LEVEL;
  if (options.env?.LOG_LEVEL !== undefined) env.LOG_LEVEL = options.env.LOG_LEVEL;
  const proc = spawn(
    process.execPath,
    ['--conditions=sockworks-source', '--import', tsxLoader, join(appDir, 'src', entry), ...args],
    { cwd: options.cwd ?? appDir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  onTestFinished(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return { proc, stdout: () => out, stderr: () => err, exited };
}

/** A fresh temp directory, removed when the test ends. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wsrpc-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Parsed JSON log lines of a text (non-JSON lines are skipped). */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a partially written line
    }
  }
  return out;
}
