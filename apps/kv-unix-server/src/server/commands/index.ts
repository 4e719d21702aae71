import { calculateCommand } from './calculate.js';
import { echoCommand } from './echo.js';
import { helpCommand } from './help.js';
import { pingCommand } from './ping.js';
import { CommandRegistry } from './registry.js';
import { deleteCommand, listKeysCommand, retrieveCommand, storeCommand } from './storage.js';
import { timeCommand } from './time.js';

/** The spec's nine commands. To add one: write a `CommandDefinition` and register it here. */
export function createDefaultRegistry(): CommandRegistry {
  return new CommandRegistry()
    .register('echo', echoCommand)
    .register('time', timeCommand)
    .register('calculate', calculateCommand)
    .register('store', storeCommand)
    .register('retrieve', retrieveCommand)
    .register('list_keys', listKeysCommand)
    .register('delete', deleteCommand)
    .register('ping', pingCommand)
    .register('help', helpCommand);
}
