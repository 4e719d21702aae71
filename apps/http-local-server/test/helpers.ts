import { connect, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import type { BoundAddress } from '@sockworks/service';
import {
  scaled,
  spawnTracked,
  type TrackedProcess,
  tempDir as testTempDir,
  waitFor as testWaitFor,
  tsxArgs,
} from '@sockworks/test-utils';
import { onTestFinished } from 'vitest';
import { createHttpLocalServer, type HttpLocalServer, type HttpLocalServerOptions } from '../src/index.js';

export const APP_DIR = resolve(import.meta.dirname, '..');

/** A fresh directory under the temp dir (short, for the 107-byte socket path limit), removed after the test. */
export function tempDir(): string {
  return testTempDir('hls-');
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

/** Polls `check` until it returns true, failing after the (scaled) deadline with a message naming `what`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  await testWaitFor(check, { what, timeoutMs: scaled(timeoutMs) });
}

/** A spawned process with its collected output; its process group is killed after the test. */
export type Spawned = TrackedProcess;

/** Runs a TypeScript entry of this app in a child process (sources, no build). */
export function spawnTs(entry: string, args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  return spawnTracked(process.execPath, tsxArgs(join(APP_DIR, entry), ...args), {
    cwd: APP_DIR,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_PRETTY: '0', ...env },
    label: [entry, ...args].join(' '),
  });
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
  await spawned.waitForLogLine((l) => String(l.msg).startsWith('Server running'), '"Server running"');
  return spawned;
}
