import type { Socket } from 'node:net';

/** `host:port` of a TCP peer (`[v6]:port` for IPv6), or `unix` for a Unix socket client. */
export function remoteOf(socket: Socket): string {
  const raw = socket.remoteAddress;
  if (raw === undefined) return 'unix';
  // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d; show them as plain IPv4.
  const host = raw.startsWith('::ffff:') && raw.includes('.') ? raw.slice(7) : raw;
  return host.includes(':') ? `[${host}]:${socket.remotePort}` : `${host}:${socket.remotePort}`;
}
