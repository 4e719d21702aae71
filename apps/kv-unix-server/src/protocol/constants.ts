/** The spec's socket path (the original Python server's), so existing clients work unchanged. */
export const DEFAULT_SOCKET_PATH = '/tmp/python_server.sock';
