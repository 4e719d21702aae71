import { randomBytes } from 'node:crypto';
import { promises as fs, lstatSync, unlinkSync } from 'node:fs';
import type { ListenOptions as NetListenOptions, Server } from 'node:net';
import { dirname, join } from 'node:path';
import { ProtocolError, ServiceErrorCode } from '@sockworks/error-codes';
import type { Logger } from '@sockworks/logging';
import {
  type BoundAddress,
  boundAddressOf,
  formatAddress,
  formatTarget,
  isUnixTarget,
  type ListenTarget,
} from './address.js';
import { ConfigError } from './cli/config-error.js';
import { defaultLogger } from './default-logger.js';
import { throttledLog } from './limit-log.js';
import {
  checkUnixSocketPathLength,
  errnoCode,
  MAX_UNIX_SOCKET_PATH_BYTES,
  prepareUnixSocketPath,
} from './unix-socket.js';

/** Default file mode of a Unix socket: owner and group may connect (Redis `unixsocketperm`). */
export const DEFAULT_SOCKET_MODE = 0o660;

/**
 * Default accept queue (the kernel caps it at net.core.somaxconn). libuv accepts one connection per
 * loop iteration (libuv/libuv#3696), so a connect burst overflows Node's 511: Unix clients then fail
 * at once with EAGAIN, TCP clients wait a 1 s SYN retransmit (measured: 2000 connects 3.2 s vs 0.2 s).
 */
export const DEFAULT_BACKLOG = 4096;

/** Options of {@link listen}. */
export interface ListenOptions {
  /** Logs `listening` and server-level errors (e.g. EMFILE on accept). @default silent */
  logger?: Logger;
}

/**
 * Binds `server` (a `net.Server` or `http.Server`) to a TCP address or a Unix socket path and resolves
 * with the bound address. Unix paths are checked first (length, live owner, stale file, non-socket),
 * chmod-ed to `mode` (default 0o660) and unlinked when the server closes, if the file is still ours.
 */
export async function listen(
  server: Server,
  target: ListenTarget,
  options: ListenOptions = {},
): Promise<BoundAddress> {
  const logger = options.logger ?? defaultLogger();
  let address: BoundAddress;
  if (isUnixTarget(target)) {
    const backlog = checkBacklog(target.backlog ?? DEFAULT_BACKLOG);
    address = await listenUnix(server, target.path, target.mode ?? DEFAULT_SOCKET_MODE, backlog);
  } else {
    const { port } = target;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConfigError(`invalid port ${String(port)}: expected an integer 0-65535`);
    }
    const opts: NetListenOptions = target.host === undefined ? { port } : { port, host: target.host };
    opts.backlog = checkBacklog(target.backlog ?? DEFAULT_BACKLOG);
    await listenOnce(server, opts, target);
    address = boundAddressOf(server);
  }
  // Accept errors (EMFILE under load) are emitted on the server; without a listener they kill the process.
  if (server.listenerCount('error') === 0) {
    const log = throttledLog(logger, 'error', 'server error');
    server.on('error', (err) => log({ err }));
  }
  logger.info({ address: formatAddress(address) }, 'listening');
  return address;
}

function checkBacklog(backlog: number): number {
  if (!Number.isInteger(backlog) || backlog < 1) {
    throw new ConfigError(`invalid backlog ${String(backlog)}: expected a positive integer`);
  }
  return backlog;
}

async function listenUnix(
  server: Server,
  path: string,
  mode: number,
  backlog: number,
): Promise<BoundAddress> {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
    throw new ConfigError(`invalid socket mode ${String(mode)}: expected an octal file mode such as 0660`);
  }
  checkUnixSocketPathLength(path);
  if (path.startsWith('\0')) {
    // Linux abstract namespace: no file to probe, chmod or unlink.
    await listenOnce(server, { path, backlog }, { path });
    return { kind: 'unix', path };
  }
  await prepareUnixSocketPath(path);
  const identity =
    (await bindViaLink(server, path, mode, backlog)) ?? (await bindDirect(server, path, mode, backlog));
  // Unlink only our own socket (another instance may have replaced the file since), as soon as the
  // server stops accepting (closeHttpServer / NetService call releaseSocketFile) or at 'close' at the latest.
  const release = (): void => {
    if (releasers.get(server) !== release) return;
    releasers.delete(server);
    unlinkIfSame(path, identity);
  };
  releasers.set(server, release);
  server.once('close', release);
  return { kind: 'unix', path };
}

/** Removes the Unix socket file `listen()` created for `server`, if it is still ours. */
export function releaseSocketFile(server: Server): void {
  releasers.get(server)?.();
}

const releasers = new WeakMap<Server, () => void>();

type Identity = { dev: number; ino: number };

/**
 * libuv unlinks a pipe's bind name on close without checking whose file it is. So bind a private
 * temporary name, chmod it, then hard-link it to the real path (link() never replaces an existing
 * file, closing the race with a concurrent starter) and drop the temporary name: libuv's unlink at
 * close then hits nothing and our inode-checked unlink decides. Null when hard links are unsupported.
 */
async function bindViaLink(
  server: Server,
  path: string,
  mode: number,
  backlog: number,
): Promise<Identity | null> {
  const temp = join(dirname(path), `.sw-${randomBytes(6).toString('hex')}.sock`);
  if (Buffer.byteLength(temp) > MAX_UNIX_SOCKET_PATH_BYTES) return null;
  await listenOnce(server, { path: temp, backlog }, { path });
  try {
    await fs.chmod(temp, mode);
    await fs.link(temp, path);
  } catch (err) {
    await closeServer(server);
    if (errnoCode(err) === 'EEXIST') {
      throw new ProtocolError(
        ServiceErrorCode.ADDRESS_IN_USE,
        `unix:${path} appeared while starting; refusing to replace it`,
        {
          cause: err,
        },
      );
    }
    if (errnoCode(err) === 'EPERM' || errnoCode(err) === 'ENOTSUP' || errnoCode(err) === 'EOPNOTSUPP')
      return null;
    throw err;
  } finally {
    await fs.unlink(temp).catch(() => {});
  }
  const stat = await fs.stat(path);
  return { dev: stat.dev, ino: stat.ino };
}

async function bindDirect(server: Server, path: string, mode: number, backlog: number): Promise<Identity> {
  await listenOnce(server, { path, backlog }, { path });
  try {
    await fs.chmod(path, mode);
    const stat = await fs.stat(path);
    return { dev: stat.dev, ino: stat.ino };
  } catch (err) {
    await closeServer(server);
    throw err;
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function unlinkIfSame(path: string, identity: Identity): void {
  try {
    const stat = lstatSync(path);
    if (stat.dev === identity.dev && stat.ino === identity.ino) unlinkSync(path);
  } catch {
    // ENOENT (already gone) or a permission problem: nothing more we can do at close.
  }
}

function listenOnce(server: Server, options: NetListenOptions, target: ListenTarget): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(listenError(err, target));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    try {
      server.listen(options);
    } catch (err) {
      server.off('error', onError);
      server.off('listening', onListening);
      reject(err);
    }
  });
}

function listenError(err: Error, target: ListenTarget): Error {
  const where = formatTarget(target);
  switch (errnoCode(err)) {
    case 'EADDRINUSE':
      return new ProtocolError(ServiceErrorCode.ADDRESS_IN_USE, `address ${where} is already in use`, {
        cause: err,
      });
    case 'EACCES':
      return new Error(
        isUnixTarget(target)
          ? `permission denied to create ${where} (check the directory's permissions)`
          : `permission denied to listen on ${where}`,
        { cause: err },
      );
    case 'EADDRNOTAVAIL':
      return new Error(`cannot listen on ${where}: address not available on this host`, { cause: err });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new Error(`cannot listen on ${where}: host name does not resolve`, { cause: err });
    case 'ENOENT':
      return new Error(`cannot listen on ${where}: directory does not exist`, { cause: err });
    default:
      return new Error(`cannot listen on ${where}: ${err.message}`, { cause: err });
  }
}
