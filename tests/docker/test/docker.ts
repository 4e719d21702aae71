import { spawn, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the compose file's directory). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The five services `compose up` starts, and the profile variant the suite starts with them. */
export const SERVICES = [
  'kv-unix-server',
  'chat-rpc-server',
  'binary-tcp-server',
  'ws-jsonrpc-camera-skeleton',
  'http-local-server',
] as const;
export const UNIX_SERVICE = 'http-local-server-unix';

/** The base image, also used for the client containers that reach the Unix sockets. */
export const NODE_IMAGE = 'node:22-bookworm-slim';

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion. A command still running after `timeoutMs` is killed and the promise
 * rejects with an error naming the command, so a hang says what hung.
 */
export function sh(
  command: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<Result> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`timed out after ${timeoutMs} ms: ${command} ${args.join(' ')}\n${stderr.slice(-2000)}`),
      );
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Like sh, but rejects unless the command exits 0 (the error carries its output). */
export async function must(
  command: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const res = await sh(command, args, options);
  if (res.code !== 0) {
    throw new Error(
      `exit ${res.code}: ${command} ${args.join(' ')}\n--- stdout\n${res.stdout.slice(-4000)}\n--- stderr\n${res.stderr.slice(-4000)}`,
    );
  }
  return res.stdout;
}

/**
 * The compose command: SOCKWORKS_COMPOSE if set (e.g. "docker-compose"), else `docker compose` (v2)
 * when the plugin is installed, else `docker-compose` (v1.29).
 */
export function composeCommand(): string[] {
  const chosen = process.env.SOCKWORKS_COMPOSE?.trim();
  if (chosen) return chosen.split(/\s+/);
  const v2 = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' });
  return v2.status === 0 ? ['docker', 'compose'] : ['docker-compose'];
}

export { freePort } from '@sockworks/test-utils';

/** Polls `check` until it returns true; on timeout, throws with what `describe` says about the state. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; describe?: () => Promise<string> },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 1000));
  }
  const state = options.describe ? await options.describe() : '';
  throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${state ? `\n${state}` : ''}`);
}
