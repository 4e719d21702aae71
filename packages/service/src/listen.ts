import { promises as fs, lstatSync, unlinkSync } from 'node:fs';
import type { ListenOptions as NetListenOptions, Server } from 'node:net';
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
import { checkUnixSocketPathLength, errnoCode, prepareUnixSocketPath } from './unix-socket.js';

/** Default file mode of a Unix socket: owner and group may connect (Redis `unixsocketperm`). */
export const DEFAULT_SOCKET_MODE = 0o660;

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
    address = await listenUnix(server, target.path, target.mode ?? DEFAULT_SOCKET_MODE);
  } else {
    const { port } = target;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConfigError(`invalid port ${String(port)}: expected an integer 0-65535`);
    }
    const opts: NetListenOptions = target.host === undefined ? { port } : { port, host: target.host };
    await listenOnce(server, opts, target);
    address = boundAddressOf(server);
  }
  // Accept errors (EMFILE under load) are emitted on the server; without a listener they kill the process.
  if (server.listenerCount('error') === 0) {
    server.on('error', (err) => logger.error({ err }, 'server error'));
  }
  logger.info({ address: formatAddress(address) }, 'listening');
  return address;
}

async function listenUnix(server: Server, path: string, mode: number): Promise<BoundAddress> {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
    throw new ConfigError(`invalid socket mode ${String(mode)}: expected an octal file mode such as 0660`);
  }
  checkUnixSocketPathLength(path);
  await prepareUnixSocketPath(path);
  await listenOnce(server, { path }, { path });
  let identity: { dev: number; ino: number };
  try {
    await fs.chmod(path, mode);
    const stat = await fs.stat(path);
    identity = { dev: stat.dev, ino: stat.ino };
  } catch (err) {
    server.close();
    throw err;
  }
  // Unlink only our own socket: another instance may have replaced the file since.
  server.once('close', () => unlinkIfSame(path, identity));
  return { kind: 'unix', path };
}

function unlinkIfSame(path: string, identity: { dev: number; ino: number }): void {
  try {
    const stat = lstatSync(path);
    if (stat.dev === identity.dev && stat.ino === identity.ino) unlinkSync(path);
  } catch {
    // ENOENT (libuv already unlinked it) or a permission problem: nothing more we can do at close.
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
      return new Error(`permission denied to listen on ${where}`, { cause: err });
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
