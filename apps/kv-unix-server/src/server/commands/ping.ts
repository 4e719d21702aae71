import type { CommandDefinition } from './registry.js';

/** `ping`: health check with the number of stored keys. */
export const pingCommand: CommandDefinition = {
  description: 'Health check - returns server status',
  parameters: {},
  handler(_data, ctx) {
    return { status: 'ok', server_time: ctx.now().toISOString(), storage_size: ctx.store.size };
  },
};
