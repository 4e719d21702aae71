import type { AddressInfo, Server } from 'node:net';

/**
 * Where a server listens: a TCP host and port, or a Unix socket path with its file mode. `backlog` is
 * the kernel accept queue (capped by net.core.somaxconn), default 4096 (`DEFAULT_BACKLOG`).
 */
export type ListenTarget =
  | { host?: string; port: number; backlog?: number }
  | { path: string; mode?: number; backlog?: number };

/** The address a server is really bound to (port 0 resolved to the kernel's choice). */
export type BoundAddress =
  | { kind: 'tcp'; host: string; port: number; family: string }
  | { kind: 'unix'; path: string };

/** True when the target names a Unix socket path. */
export function isUnixTarget(
  target: ListenTarget,
): target is { path: string; mode?: number; backlog?: number } {
  return typeof (target as { path?: unknown }).path === 'string';
}

/** `127.0.0.1:8080`, `[::1]:8080` or `unix:/tmp/x.sock`: one form for logs and error messages. */
export function formatAddress(address: BoundAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  return `${formatHost(address.host)}:${address.port}`;
}

/** Formats the address a target asks for, before it is bound. */
export function formatTarget(target: ListenTarget): string {
  if (isUnixTarget(target)) return `unix:${target.path}`;
  return `${formatHost(target.host ?? '0.0.0.0')}:${target.port}`;
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Reads the bound address of a listening server. */
export function boundAddressOf(server: Server, fallbackPath?: string): BoundAddress {
  const raw: AddressInfo | string | null = server.address();
  if (typeof raw === 'string') return { kind: 'unix', path: raw };
  if (raw === null) {
    if (fallbackPath !== undefined) return { kind: 'unix', path: fallbackPath };
    throw new Error('server is not listening');
  }
  return { kind: 'tcp', host: raw.address, port: raw.port, family: raw.family };
}
