import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { connectOptions } from '@sockworks/loadgen';
import { type ProcSample, sampleProcess } from './proc.ts';
import type { Target } from './target.ts';

/** Resolves once a connection to `target` succeeds (the server is accepting). */
function canConnect(target: Target): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(connectOptions(target));
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** A server under test, running in its own process. */
export interface ServerProcess {
  readonly pid: number;
  sample(): ProcSample;
  stop(): Promise<void>;
}

/** Spawns `node <args>` and resolves once `ready` accepts connections. */
export async function startServerProcess(opts: {
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  ready: Target;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, opts.args, {
    cwd: opts.cwd,
    env: { ...process.env, LOG_PRETTY: '0', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keepTail = (d: Buffer) => {
    // Keep only the tail for error reports: a server logging under load must not grow our memory.
    output = (output + d.toString()).slice(-4096);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  while (!(await canConnect(opts.ready))) {
    if (exited) throw new Error(`server exited before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within ${opts.timeoutMs ?? 15_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const pid = child.pid ?? 0;
  return {
    pid,
    sample: () => sampleProcess(pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
