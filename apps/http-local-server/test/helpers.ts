import { join, resolve } from 'node:path';
import type { BoundAddress } from '@sockworks/service';
import {
  connectRaw,
  framings,
  type RawSocketClient,
  scaled,
  spawnTracked,
  type TrackedProcess,
  tempDir,
  tempSocketPath,
  waitFor as testWaitFor,
  tsxArgs,
} from '@sockworks/test-utils';
import { onTestFinished } from 'vitest';
import { createHttpLocalServer, type HttpLocalServer, type HttpLocalServerOptions } from '../src/index.js';

export const APP_DIR = resolve(import.meta.dirname, '..');

/** Temp directories and socket paths removed after the test. */
export { tempDir, tempSocketPath };

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

/** Opens a raw client that keeps every byte it receives (destroyed after the test). */
export function openRaw(target: ConnectTarget): Promise<RawSocketClient<Buffer>> {
  return connectRaw(target, framings.bytes());
}

/**
 * Everything the peer sent, as latin1 text, once it has closed the connection. The client keeps
 * what arrives from the start, so this may be called as late as the test likes.
 */
export async function readUntilClose(client: RawSocketClient<Buffer>): Promise<string> {
  await client.waitClosed();
  return client.text('latin1');
}

/** Sends raw bytes on a fresh connection and returns all the server sends before closing. */
export async function rawExchange(target: ConnectTarget, bytes: string | Buffer): Promise<string> {
  const client = await openRaw(target);
  client.write(bytes);
  return readUntilClose(client);
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
