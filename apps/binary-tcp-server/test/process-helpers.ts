/** Helpers for tests that run the server and client as processes from their TypeScript sources. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

export const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const NODE_ARGS = ['--conditions=sockworks-source', '--import', 'tsx'];

/** A spawned process with its output collected. */
export interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/** Spawns `node <script> ...args` from the app directory with a controlled environment. */
export function run(script: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [...NODE_ARGS, script, ...args], {
    cwd: APP_DIR,
    env: { PATH: process.env.PATH ?? '', LOG_PRETTY: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString('utf8');
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Polls until `check` passes or the deadline. */
export async function until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts the server process on 127.0.0.1 and a free port; resolves once it logged "listening". */
export async function startServerProcess(args: string[] = []): Promise<Proc & { port: number }> {
  const proc = run('src/main.ts', ['--host', '127.0.0.1', '--port', '0', ...args]);
  const port = await until(
    () => {
      for (const line of proc.stdout().split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { msg?: string; address?: string };
        if (entry.msg === 'listening' && entry.address) return Number(entry.address.split(':').at(-1));
      }
      if (proc.child.exitCode !== null) throw new Error(`server exited: ${proc.stderr()}`);
      return undefined;
    },
    15_000,
    'the server to listen',
  );
  return { ...proc, port };
}
