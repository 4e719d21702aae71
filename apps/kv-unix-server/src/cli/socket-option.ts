import { DEFAULT_SOCKET_PATH } from '../protocol/constants.js';

/** `--socket` / `KV_SOCKET_PATH`, shared by the server and kv-client so the two always agree. */
export function socketOption(description: string) {
  return {
    type: 'path',
    flag: '--socket',
    short: '-s',
    env: 'KV_SOCKET_PATH',
    default: DEFAULT_SOCKET_PATH,
    description,
  } as const;
}
