// The spec's addresses and transports, shared by the server, the client and both CLIs.

/** The two transports of the spec. */
export type SocketKind = 'tcp' | 'unix';

/** The socket kinds, for CLI choices and validation. */
export const SOCKET_KINDS: readonly SocketKind[] = ['tcp', 'unix'];

/** The spec's TCP host. */
export const DEFAULT_HOST = 'localhost';
/** The spec's TCP port. */
export const DEFAULT_PORT = 8080;
/** The spec's Unix socket path. */
export const DEFAULT_SOCKET_PATH = '/tmp/local_server.sock';
