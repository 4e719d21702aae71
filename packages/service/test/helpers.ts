import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaled, waitFor as testWaitFor } from '@sockworks/test-utils';
import { onTestFinished } from 'vitest';
import type { BoundAddress } from '../src/index.js';

/** A fresh socket path under the temp dir, removed after the test. */
export function tempSocketPath(): string {
  const path = join(tmpdir(), `sw-svc-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  onTestFinished(() => rmSync(path, { force: true }));
  return path;
}

/** Connects to a bound address; the socket is destroyed after the test. */
export function connectTo(address: BoundAddress): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket =
      address.kind === 'unix'
        ? connect({ path: address.path })
        : connect({ host: address.host, port: address.port });
    onTestFinished(() => {
      socket.destroy();
    });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Collects everything a socket receives until it closes. */
export function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', () => {});
    socket.once('close', () => resolve(text));
  });
}

/** Resolves with the received text once it contains `needle`. */
export function readUntil(socket: Socket, needle: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      if (text.includes(needle)) {
        socket.off('data', onData);
        socket.off('close', onClose);
        resolve(text);
      }
    };
    const onClose = (): void =>
      reject(new Error(`closed before ${JSON.stringify(needle)}; got ${JSON.stringify(text)}`));
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

/** Waits for `cond()` to hold, failing after the (scaled) `timeoutMs` with a message naming `what`. */
export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  await testWaitFor(cond, { what, timeoutMs: scaled(timeoutMs), intervalMs: 5 });
}

/** Resolves once the socket has closed. */
export function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
  });
}
