import { promises as fs } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { ProtocolError, ServiceErrorCode } from '@sockworks/error-codes';

/** Linux keeps 108 bytes for `sun_path` including the NUL; longer paths are silently truncated. */
export const MAX_UNIX_SOCKET_PATH_BYTES = 107;

/** How long the live-owner probe waits for a connect before treating the owner as alive. */
const PROBE_TIMEOUT_MS = 2000;

/** Throws SOCKET_PATH_TOO_LONG when `path` does not fit in `sun_path`. */
export function checkUnixSocketPathLength(path: string): void {
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_UNIX_SOCKET_PATH_BYTES) {
    throw new ProtocolError(
      ServiceErrorCode.SOCKET_PATH_TOO_LONG,
      `socket path ${path} is ${bytes} bytes long; the limit is ${MAX_UNIX_SOCKET_PATH_BYTES}`,
    );
  }
  if (bytes === 0) {
    throw new ProtocolError(ServiceErrorCode.INVALID_CONFIG, 'socket path is empty');
  }
}

/**
 * Makes `path` ready to listen on: length <= 107 bytes; a live server there -> ADDRESS_IN_USE (left
 * alone); a stale socket -> unlinked; anything that is not a socket -> SOCKET_PATH_NOT_SOCKET (left alone).
 */
export async function prepareUnixSocketPath(path: string): Promise<void> {
  checkUnixSocketPathLength(path);
  let stat: import('node:fs').Stats;
  try {
    stat = await fs.lstat(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return checkDirectory(path);
    throw err;
  }
  if (!stat.isSocket()) {
    throw new ProtocolError(
      ServiceErrorCode.SOCKET_PATH_NOT_SOCKET,
      `${path} exists and is not a socket; refusing to replace it`,
    );
  }
  const probe = await probeUnixSocket(path);
  if (probe === 'live') {
    throw new ProtocolError(
      ServiceErrorCode.ADDRESS_IN_USE,
      `unix:${path} is in use by a running server (a connect succeeded); refusing to start`,
    );
  }
  if (probe === 'gone') return;
  try {
    await fs.unlink(path);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
}

/** libuv reports a missing directory as EACCES at bind time; name the real problem first. */
async function checkDirectory(path: string): Promise<void> {
  const dir = dirname(path);
  try {
    const stat = await fs.stat(dir);
    if (!stat.isDirectory()) throw new Error(`cannot listen on unix:${path}: ${dir} is not a directory`);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new Error(`cannot listen on unix:${path}: directory ${dir} does not exist`, { cause: err });
    }
    throw err;
  }
}

/** Connects to an existing socket file: `live` (someone accepts), `stale` (refused), `gone` (vanished). */
export function probeUnixSocket(path: string): Promise<'live' | 'stale' | 'gone'> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    const timer = setTimeout(() => finish('live'), PROBE_TIMEOUT_MS);
    function finish(result: 'live' | 'stale' | 'gone' | Error): void {
      clearTimeout(timer);
      socket.removeAllListeners('connect');
      socket.on('error', () => {});
      socket.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    }
    socket.once('connect', () => finish('live'));
    socket.on('error', (err) => {
      const code = errnoCode(err);
      if (code === 'ECONNREFUSED') finish('stale');
      else if (code === 'ENOENT') finish('gone');
      // A full backlog (EAGAIN) means a live but busy owner.
      else if (code === 'EAGAIN') finish('live');
      else
        finish(
          new ProtocolError(
            ServiceErrorCode.ADDRESS_IN_USE,
            `cannot probe existing socket unix:${path} (${code ?? err.message}); refusing to replace it`,
            { cause: err },
          ),
        );
    });
  });
}

/** The `code` of a Node system error, if any. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return undefined;
}
