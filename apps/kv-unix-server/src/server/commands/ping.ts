import { andThen } from '../kv-storage.js';
import type { CommandDefinition } from './registry.js';

/** `ping`: health check with the number of stored keys. */
export const pingCommand: CommandDefinition = {
  description: 'Health check - returns server status',
  parameters: {},
  handler(_data, ctx) {
    const serverTime = ctx.now().toISOString();
    return andThen(ctx.store.keyCount(), (size) => ({
      status: 'ok',
      server_time: serverTime,
      storage_size: size,
    }));
  },
};
