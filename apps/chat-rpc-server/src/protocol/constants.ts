/** Default TCP address (the spec's). */
export const DEFAULT_HOST = '127.0.0.1';
/** Default TCP port (the spec's). */
export const DEFAULT_PORT = 65432;

/** Name reserved for server-generated system messages; no user may take it. */
export const SYSTEM_USERNAME = 'SYSTEM';
