import { SOCKET_KINDS } from './client.js';

/** The spec's `--socket tcp|unix` option, the same for the server and the request CLI. */
export const SOCKET_OPTION = {
  type: 'enum',
  flag: '--socket',
  short: '-s',
  env: 'HTTP_SOCKET',
  choices: SOCKET_KINDS,
  default: 'tcp',
  description: 'transport: tcp (host:port) or unix (socket file at --path)',
} as const;
