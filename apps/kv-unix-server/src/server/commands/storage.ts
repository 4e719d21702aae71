import { KvErrorCode, ProtocolError } from '@sockworks/error-codes';
import { andThen, INVALID_CURSOR_MESSAGE, type KeyPage } from '../kv-storage.js';
import { requireParam } from './params.js';
import type { CommandContext, CommandDefinition } from './registry.js';

function keyParam(data: Record<string, unknown>, ctx: CommandContext): string {
  const key = requireParam(data, 'key');
  ctx.store.validateKey(key);
  return key;
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
    return andThen(ctx.store.set(key, requireParam(data, 'value')), () => ({
      key,
      stored: true,
      message: `Value stored for key '${key}'`,
    }));
  },
};

/** `retrieve`: the value stored under a key. */
export const retrieveCommand: CommandDefinition = {
  description: 'Retrieve a value by key',
  parameters: { key: 'string - key to look up' },
  handler(data, ctx) {
    const key = keyParam(data, ctx);
    return andThen(ctx.store.read(key), (value) => {
      if (value === undefined) throw notFound(key);
      // Stored as JSON text, written into the reply as it is (JsonText).
      return { key, value };
    });
  },
};

/** Keys per `list_keys` page when the request gives no `count`. */
export const LIST_KEYS_DEFAULT_COUNT = 1000;
/** Largest `count` a `list_keys` request may ask for; also the most keys of a reply without a cursor. */
export const LIST_KEYS_MAX_COUNT = 10_000;
/**
 * Key text (UTF-16 units) per `list_keys` page: a page ends early once it holds this much, so one page
 * costs the event loop about a millisecond even with 1 KiB keys.
 */
export const LIST_KEYS_PAGE_CHARS = 256 * 1024;
/** Key text (UTF-16 units) of a `list_keys` reply without a cursor (all keys at once) at most. */
export const LIST_KEYS_MAX_CHARS = 1024 * 1024;

/**
 * The cursor parameter: a decimal string (as replies give it) or a non-negative integer; "0" starts.
 * The store decides which cursors it gave (the in-process one: 15 digits; Redis: a SCAN cursor).
 */
function cursorParam(data: Record<string, unknown>): string {
  const raw = data.cursor;
  const text = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : raw;
  if (typeof text !== 'string' || !/^\d{1,40}$/.test(text)) {
    throw new ProtocolError(KvErrorCode.INVALID_INPUT, INVALID_CURSOR_MESSAGE);
  }
  return text;
}

function countParam(data: Record<string, unknown>): number {
  if (!Object.hasOwn(data, 'count')) return LIST_KEYS_DEFAULT_COUNT;
  const count = data.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > LIST_KEYS_MAX_COUNT) {
    throw new ProtocolError(
      KvErrorCode.INVALID_INPUT,
      `'count' must be an integer from 1 to ${LIST_KEYS_MAX_COUNT}`,
    );
  }
  return count;
}

/**
 * `list_keys`: keys, paged like Redis SCAN. With `cursor` (start with "0") or `count`, one page of at
 * most `count` keys (default 1000, and about 256 KiB of key text) and the cursor of the next page
 * ("0" when done). With neither, the spec's request: every key in one reply when they fit one reply
 * (10,000 keys, 1 MiB of key text), else REPLY_TOO_LARGE telling the client to page; never a partial list that
 * looks complete, and never a reply the size of the keyspace.
 */
export const listKeysCommand: CommandDefinition = {
  description: 'List all stored keys (a page at a time with cursor/count, like Redis SCAN)',
  parameters: {
    cursor: `string - optional: "0" to start, then the cursor of the previous reply; the reply's cursor is "0" when done`,
    count: `number - optional: keys per page, 1-${LIST_KEYS_MAX_COUNT} (default ${LIST_KEYS_DEFAULT_COUNT})`,
  },
  handler(data, ctx) {
    const count = countParam(data);
    const { store } = ctx;
    const toReply = (page: KeyPage) => ({ keys: page.keys, count: page.keys.length, cursor: page.cursor });
    if (!Object.hasOwn(data, 'cursor') && !Object.hasOwn(data, 'count')) {
      return andThen(store.listAll(LIST_KEYS_MAX_COUNT, LIST_KEYS_MAX_CHARS), (all) => {
        if (!all.fits) {
          throw new ProtocolError(
            KvErrorCode.REPLY_TOO_LARGE,
            `list_keys would return ${all.size} keys (${all.chars} characters), over one reply's ` +
              `${LIST_KEYS_MAX_COUNT} keys / ${LIST_KEYS_MAX_CHARS} characters; page with ` +
              `{"command":"list_keys","data":{"cursor":"0","count":${LIST_KEYS_DEFAULT_COUNT}}} and pass each ` +
              `reply's cursor back until it is "0"`,
          );
        }
        return toReply({ keys: all.keys, cursor: '0' });
      });
    }
    const cursor = Object.hasOwn(data, 'cursor') ? cursorParam(data) : '0';
    return andThen(store.listPage(cursor, count, LIST_KEYS_PAGE_CHARS), toReply);
  },
};

/** `delete`: removes a key. */
export const deleteCommand: CommandDefinition = {
  description: 'Delete a key from storage',
  parameters: { key: 'string - key to delete' },
  handler(data, ctx) {
    const key = keyParam(data, ctx);
    return andThen(ctx.store.delete(key), (deleted) => {
      if (!deleted) throw notFound(key);
      return { key, deleted: true, message: `Key '${key}' deleted` };
    });
  },
};
