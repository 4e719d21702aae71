import { readFileSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { LazyConnectionLogger, silentLogger } from '@sockworks/logging';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDefaultRegistry, KvStore } from '../src/index.js';
import { DataFile } from '../src/server/persistence/data-file.js';
import { decodeLog, LOG_MAGIC } from '../src/server/persistence/record.js';
import { RequestHandler } from '../src/server/request-handler.js';
import { tempDir } from './helpers.js';

const LIMITS = { maxKeyBytes: 64, maxKeys: 10_000, maxTotalBytes: 10_000_000 };
const key = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'a', 'b', 'ключ', '🔑'),
  fc.string({ minLength: 1, maxLength: 12 }),
);
const op = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key, value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ op: fc.constant('delete' as const), key }),
);
type Op = { op: 'set'; key: string; value: unknown } | { op: 'delete'; key: string };

/** The reference model: what the store must hold after `ops`. */
function model(ops: Op[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const o of ops) {
    if (o.op === 'set') m.set(o.key, JSON.stringify(o.value));
    else m.delete(o.key);
  }
  return m;
}

function snapshot(store: KvStore): Map<string, string> {
  return new Map(store.entriesJson());
}

function apply(store: KvStore, o: Op): void {
  if (o.op === 'set') store.set(o.key, o.value);
  else store.delete(o.key);
}

describe('properties', () => {
  it('the store matches a Map model for any sequence of stores and deletes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const store = new KvStore(LIMITS);
        for (const o of ops) apply(store, o);
        const expected = model(ops);
        expect(snapshot(store)).toEqual(expected);
        let bytes = 0;
        for (const [k, json] of expected) bytes += Buffer.byteLength(k) + Buffer.byteLength(json);
        expect(store.totalBytes).toBe(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it('replaying the data file reproduces the store; a file cut anywhere replays to a prefix of the ops', () => {
    const dir = tempDir();
    let run = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 30 }), fc.nat(), (ops, cutSeed) => {
        const path = join(dir, `d${run++}.log`);
        const store = new KvStore(LIMITS);
        const file = DataFile.open(store, {
          path,
          fsync: 'no',
          compactMinBytes: 1 << 30,
          logger: silentLogger(),
        });
        for (const o of ops) {
          apply(store, o);
          file.flush();
        }
        file.close();
        const reloaded = new KvStore(LIMITS);
        DataFile.open(reloaded, {
          path,
          fsync: 'no',
          compactMinBytes: 1 << 30,
          logger: silentLogger(),
        }).close();
        expect(snapshot(reloaded)).toEqual(snapshot(store));

        // Deletes of missing keys are not journaled, so compare against journaled prefixes.
        const size = readFileSync(path).length;
        const cut = LOG_MAGIC.length + (cutSeed % (size - LOG_MAGIC.length + 1));
        truncateSync(path, cut);
        const survivors = decodeLog(readFileSync(path)).ops.length;
        const torn = new KvStore(LIMITS);
        DataFile.open(torn, { path, fsync: 'no', compactMinBytes: 1 << 30, logger: silentLogger() }).close();
        const journaled: Op[] = [];
        const probe = new KvStore(LIMITS);
        for (const o of ops) {
          if (o.op === 'delete' && !probe.has(o.key)) continue;
          apply(probe, o);
          journaled.push(o);
        }
        expect(snapshot(torn)).toEqual(model(journaled.slice(0, survivors)));
        rmSync(path);
      }),
      { numRuns: 100 },
    );
  });

  it('any request object gets exactly one well-formed reply line', () => {
    const store = new KvStore(LIMITS);
    const handler = new RequestHandler({ store, registry: createDefaultRegistry(), now: () => new Date(0) });
    const command = fc.oneof(
      fc.constantFrom(...createDefaultRegistry().names()),
      fc.string(),
      fc.jsonValue({ maxDepth: 1 }),
    );
    const message = fc.oneof(
      fc.record({
        command,
        data: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), fc.jsonValue()),
      }),
      fc.record({ command, data: fc.record({ operation: fc.string(), a: fc.double(), b: fc.double() }) }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    fc.assert(
      fc.property(message, (m) => {
        // The in-process store answers synchronously: a string, never a Promise.
        const line = handler.handle(m, new LazyConnectionLogger(silentLogger(), 'test')) as string;
        expect(line.endsWith('\n')).toBe(true);
        expect(line.indexOf('\n')).toBe(line.length - 1);
        const reply = JSON.parse(line);
        expect(reply.type).toBe('response');
        if (reply.success) {
          expect(reply.data).toBeDefined();
          if (reply.data.result !== undefined) expect(Number.isFinite(reply.data.result)).toBe(true);
        } else {
          expect(typeof reply.error.code).toBe('string');
          expect(reply.error.code).not.toBe('INTERNAL_ERROR');
        }
      }),
      { numRuns: 500 },
    );
  });
});
