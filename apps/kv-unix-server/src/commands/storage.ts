import { KvErrorCode, ProtocolError } from '@sockworks/error-codes';
import { RawJson } from '../protocol.js';
import { requireParam } from './params.js';
import type { CommandContext, CommandDefinition } from './registry.js';

function keyParam(data: Record<string, unknown>, ctx: CommandContext): string {
  const key = requireParam(data, 'key');
  ctx.store.validateKey(key);
  return key;
}

/**
 * `{"key":…,"<flag>":true,"message":"<before>'<key>'<after>"}` as JSON text, without generic
 * serialisation of a wrapper object. JSON escapes a string one character at a time, so the key's
 * escaped text (its JSON minus the quotes) is also the right text inside the longer message string.
 */
function keyReply(key: string, flag: string, before: string, after: string): RawJson {
  const json = JSON.stringify(key);
  return new RawJson(`{"key":${json},"${flag}":true,"message":"${before}'${json.slice(1, -1)}'${after}"}`);
}

function notFound(key: string): ProtocolError {
  return new ProtocolError(KvErrorCode.KEY_NOT_FOUND, `Key '${key}' not found in storage`);
}

/** `store`: keeps any JSON value under a key. */
export const storeCommand: CommandDefinition = {
  description: 'Store a key-value pair in server memory',
  parameters: { key: 'string - non-empty key', value: 'any - JSON value to store' },
  handler(data, ctx) {
    const key = keyParam(data, ctx);
    ctx.store.set(key, requireParam(data, 'value'));
    return keyReply(key, 'stored', 'Value stored for key ', '');
  },
};

/** `retrieve`: the value stored under a key. */
export const retrieveCommand: CommandDefinition = {
  description: 'Retrieve a value by key',
  parameters: { key: 'string - key to look up' },
  handler(data, ctx) {
    const key = keyParam(data, ctx);
    const json = ctx.store.getJson(key);
    if (json === undefined) throw notFound(key);
    // The value is already JSON text: splice it in instead of parsing and re-serialising.
    return new RawJson(`{"key":${JSON.stringify(key)},"value":${json}}`);
  },
};

/** `list_keys`: every stored key. */
export const listKeysCommand: CommandDefinition = {
  description: 'List all stored keys',
  parameters: {},
  handler(_data, ctx) {
    const keys = ctx.store.keys();
    return { keys, count: keys.length };
  },
};

/** `delete`: removes a key. */
export const deleteCommand: CommandDefinition = {
  description: 'Delete a key from storage',
  parameters: { key: 'string - key to delete' },
  handler(data, ctx) {
    const key = keyParam(data, ctx);
    if (!ctx.store.delete(key)) throw notFound(key);
    return keyReply(key, 'deleted', 'Key ', ' deleted');
  },
};
