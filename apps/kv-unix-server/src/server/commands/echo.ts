import { requireParam } from './params.js';
import type { CommandDefinition } from './registry.js';

/** `echo`: returns the message unchanged (any JSON value). */
export const echoCommand: CommandDefinition = {
  description: 'Echo back a message',
  parameters: { message: 'string - message to echo' },
  handler(data) {
    return { echo: requireParam(data, 'message') };
  },
};
