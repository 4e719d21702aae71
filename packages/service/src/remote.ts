import type { Socket } from 'node:net';

/** `host:port` of a TCP peer (`[v6]:port` for IPv6), or `unix` for a Unix socket client. */
export function remoteOf(socket: Socket): string {
  const host = socket.remoteAddress;
  if (host === undefined) return 'unix';
  return host.includes(':') ? `[${host}]:${socket.remotePort}` : `${host}:${socket.remotePort}`;
}
