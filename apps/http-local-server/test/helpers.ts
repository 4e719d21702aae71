import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BoundAddress } from '@sockworks/service';
import { onTestFinished } from 'vitest';
import { createHttpLocalServer, type HttpLocalServer, type HttpLocalServerOptions } from '../src/index.js';

export const APP_DIR = resolve(import.meta.dirname, '..');

/** A fresh directory under the temp dir (short, for the 107-byte socket path limit), removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hls-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A socket path in a fresh temp directory. */
export function tempSocketPath(): string {
  return join(tempDir(), 's.sock');
}

/** Starts a server on port 0 (or a temp Unix socket) and closes it after the test. */
export async function startServer(
  kind: 'tcp' | 'unix',
  options: HttpLocalServerOptions = {},
): Promise<{ server: HttpLocalServer; address: BoundAddress; connectTo: ConnectTarget }> {
  const server = createHttpLocalServer(options);
  onTestFinished(() => server.close({ timeoutMs: 100 }));
  const address = await server.listen(
    kind === 'unix' ? { path: tempSocketPath() } : { host: '127.0.0.1', port: 0 },
  );
  return { server, address, connectTo: connectTargetOf(address) };
}

export type ConnectTarget = { path: string } | { host: string; port: number };

export function connectTargetOf(address: BoundAddress): ConnectTarget {
  return address.kind === 'unix' ? { path: address.path } : { host: address.host, port: address.port };
}

/** The client options that reach `address`. */
export function clientTargetOf(
  address: BoundAddress,
): { socket: 'unix'; path: string } | { socket: 'tcp'; host: string; port: number } {
  return address.kind === 'unix'
    ? { socket: 'unix', path: address.path }
    : { socket: 'tcp', host: address.host, port: address.port };
}

/** Opens a raw socket (destroyed after the test). */
export function openRaw(target: ConnectTarget): Promise<Socket> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(target);
    onTestFinished(() => {
      socket.destroy();
    });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolvePromise(socket);
    });
    socket.once('error', reject);
  });
}

/** Everything the peer sends until it closes the connection, as latin1 text. */
export function readUntilClose(socket: Socket): Promise<string> {
  return new Promise((resolvePromise) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset after the answer still leaves the answer readable.
    socket.on('error', () => {});
    socket.once('close', () => resolvePromise(Buffer.concat(chunks).toString('latin1')));
  });
}

/** Sends raw bytes on a fresh connection and returns all the server sends before closing. */
export async function rawExchange(target: ConnectTarget, bytes: string | Buffer): Promise<string> {
  const socket = await openRaw(target);
  const reply = readUntilClose(socket);
  socket.write(bytes);
  return reply;
}

/** Polls `check` until it returns true or the deadline passes. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A spawned process with its collected output. */
export interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a TypeScript entry of this app in a child process (sources, no build). */
export function spawnTs(entry: string, args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(
    process.execPath,
    ['--conditions=sockworks-source', '--import', 'tsx', join(APP_DIR, entry), ...args],
    {
      cwd: APP_DIR,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_PRETTY: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Parsed JSON log lines of a spawned server. */
export function logLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Spawns the server and waits for its "Server running" log line. */
export async function spawnServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Spawned> {
  const spawned = spawnTs('src/main.ts', args, env);
  let exitCode: number | null | undefined;
  void spawned.exited.then(({ code }) => {
    exitCode = code;
  });
  await waitFor(
    () => {
      if (exitCode !== undefined)
        throw new Error(`server exited early with ${exitCode}: ${spawned.stderr()}`);
      return logLines(spawned.stdout()).some((l) => String(l.msg).startsWith('Server running'));
    },
    'the server to start',
    15_000,
  );
  return spawned;
}
