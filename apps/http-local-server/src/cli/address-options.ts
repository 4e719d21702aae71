import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SOCKET_PATH, SOCKET_KINDS } from '../protocol/address.js';

/** What the server and the request CLI say about each address option (the rest is shared). */
export interface AddressOptionTexts {
  host: string;
  port: string;
  path: string;
}

/**
 * `--socket`, `--host`, `--port` and `--path` with their env vars and defaults. The server and the
 * request CLI take them from here, so the two cannot drift apart (the spec: "the --socket parameter
 * must match between client and server").
 */
export function addressOptions(texts: AddressOptionTexts) {
  return {
    socket: {
      type: 'enum',
      flag: '--socket',
      short: '-s',
      env: 'HTTP_SOCKET',
      choices: SOCKET_KINDS,
      default: 'tcp',
      description: 'transport: tcp (host:port) or unix (socket file at --path)',
    },
    host: {
      type: 'string',
      flag: '--host',
      env: 'HTTP_HOST',
      default: DEFAULT_HOST,
      description: texts.host,
    },
    port: {
      type: 'port',
      flag: '--port',
      short: '-p',
      env: 'HTTP_PORT',
      default: DEFAULT_PORT,
      description: texts.port,
    },
    path: {
      type: 'path',
      flag: '--path',
      env: 'HTTP_SOCKET_PATH',
      default: DEFAULT_SOCKET_PATH,
      description: texts.path,
    },
  } as const;
}
