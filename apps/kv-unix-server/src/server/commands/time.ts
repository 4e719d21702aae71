import type { CommandDefinition } from './registry.js';

/** "2024-01-01 12:00:00" in UTC. */
export function formatServerTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** `time`: the server clock as ISO 8601 (UTC), Unix seconds and a readable form. */
export const timeCommand: CommandDefinition = {
  description: 'Get current server time',
  parameters: {},
  handler(_data, ctx) {
    const now = ctx.now();
    return {
      timestamp: now.toISOString(),
      unix_timestamp: now.getTime() / 1000,
      formatted: formatServerTime(now),
    };
  },
};
