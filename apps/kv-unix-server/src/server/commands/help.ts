import type { CommandDefinition } from './registry.js';

/** `help`: every registered command, generated from the registry that dispatches. */
export const helpCommand: CommandDefinition = {
  description: 'Get help about available commands',
  parameters: {},
  handler(_data, ctx) {
    return { commands: ctx.registry.describe() };
  },
};
