import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { PassThrough, Readable } from 'node:stream';
import { KvErrorCode } from '@sockworks/error-codes';
import { describe, expect, it } from 'vitest';
import {
  CommandRegistry,
  createDefaultRegistry,
  KvClient,
  type KvStore,
  runKvClientCli,
} from '../src/index.js';
import { RawClient, startServer } from './helpers.js';

const KEY_PAD = 'k'.repeat(1000);

/** ~1 KB keys, distinct in their first bytes. */
function bigKey(i: number): string {
  return `${String(i).padStart(8, '0')}${KEY_PAD}`;
}

// Issue 14, item 2: ~95k keys of ~1 KB made list_keys stall the event loop for 9 s and then fail with
// an INTERNAL_ERROR. The keyspace is filled through the store (a pipeline of 95k stores would take most
// of the test's time on a busy 2-core machine); everything after that goes over the socket.
describe('list_keys on ~95k keys of ~1 KB', { timeout: 120_000 }, () => {
  it('pages through every key while the median window p99 of the event-loop delay stays within 50 ms of interleaved control windows', async () => {
    const { server, path } = await startServer();
    const total = 95_000;
    for (let i = 0; i < total; i++) server.store.setJson(bigKey(i), '"v"');
    expect(server.store.totalBytes).toBeLessThan(256 * 1024 * 1024); // under the default cap

    const lister = await KvClient.connect(path);
    const other = await KvClient.connect(path);
    // Another client pings throughout; the histograms (same process as the server) are the server's
    // event-loop delay. Other sessions share the machine's two cores, so listing windows (a few pages)
    // alternate with control windows of the same length with the pings alone: both see the same load.
    let done = false;
    let pings = 0;
    const pinger = (async () => {
      while (!done) {
        await other.ping();
        pings++;
      }
    })().catch(() => {}); // a failed listing ends the test, and the pings with it
    let gcMaxMs = 0;
    const gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcMaxMs = Math.max(gcMaxMs, entry.duration);
    });
    gc.observe({ entryTypes: ['gc'] });
    const ms = (ns: number) => ns / 1e6;
    // One histogram per window, compared by their medians: a major GC of the 100+ MB keyspace (300-470
    // ms on Node 24 on a loaded machine) lands in one window whatever the command and would own a p99
    // over all samples when listing is fast (few samples), while a listing that holds the loop (the
    // bug: seconds per call) shows in every listing window.
    const listingP99: number[] = [];
    const controlP99: number[] = [];
    let listingMax = 0;
    let controlMax = 0;
    // Page by page, keeping only each key's number: holding 95 MB of keys in the test would add the
    // garbage collector's pauses over a 200 MB heap to the server's loop delay measured here.
    const seen = new Set<number>();
    let keys = 0;
    let pages = 0;
    let listMs = 0;
    let cursor = '0';
    do {
      const windowStart = performance.now();
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      // A window lasts at least 80 ms (about 80 samples) so its p99 means something.
      for (let i = 0; i === 0 || (cursor !== '0' && performance.now() - windowStart < 80); i++) {
        const page = await lister.listKeysPage(cursor);
        for (const key of page.keys) seen.add(Number(key.slice(0, 8)));
        keys += page.keys.length;
        pages++;
        cursor = page.cursor;
      }
      delay.disable();
      const windowMs = performance.now() - windowStart;
      listMs += windowMs;
      listingP99.push(ms(delay.percentile(99)));
      listingMax = Math.max(listingMax, ms(delay.max));
      const control = monitorEventLoopDelay({ resolution: 1 });
      control.enable();
      await new Promise((resolve) => setTimeout(resolve, windowMs));
      control.disable();
      controlP99.push(ms(control.percentile(99)));
      controlMax = Math.max(controlMax, ms(control.max));
    } while (cursor !== '0');
    gc.disconnect();
    done = true;
    await pinger;

    expect(keys).toBe(total);
    expect(seen.size).toBe(total);
    const median = (values: number[]): number => {
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)] ?? 0;
    };
    const listing = median(listingP99);
    const controlMedian = median(controlP99);
    // Reported so a failure (or a near miss) on a loaded machine can be read from the log.
    console.info(
      `list_keys 95k x 1 KB: ${pages} pages in ${listMs.toFixed(0)} ms over ${listingP99.length} windows; loop delay ` +
        `median window p99 ${listing.toFixed(1)} ms, max ${listingMax.toFixed(1)} ms (control: ${controlMedian.toFixed(1)}, ` +
        `max ${controlMax.toFixed(1)}); longest GC ${gcMaxMs.toFixed(1)} ms; ${pings} pings`,
    );
    expect(listingP99.length).toBeGreaterThanOrEqual(3);
    if (controlMedian < 50) {
      // The machine itself keeps the loop within 50 ms: listing must add less than 50 ms to it.
      expect(listing).toBeLessThan(50 + controlMedian);
    } else {
      // The machine alone delays the loop by more than the bound (other sessions' test runs): a 50 ms
      // difference is inside the noise, so only a coarse bound is checked (a stall of the size the
      // issue reported, seconds, still fails it).
      console.warn(
        `control median p99 ${controlMedian.toFixed(1)} ms: machine too loaded to check the 50 ms bound`,
      );
      expect(listing).toBeLessThan(50 + 2 * controlMedian);
    }
    // The maximum is one sample: on a loaded machine a major GC of this 200+ MB heap (reported above)
    // or a descheduled process lands there whatever the command, so it only has to show that no turn
    // built a reply the size of the keyspace (before paging, one list_keys held the loop for seconds).
    expect(listingMax).toBeLessThan(1000 + controlMax);
    expect(pings).toBeGreaterThan(10);
    await Promise.all([lister.close(), other.close()]);
  });

  it('a request without a cursor says clearly that the reply would be too large, at once', async () => {
    const { server, path } = await startServer();
    for (let i = 0; i < 95_000; i++) server.store.setJson(bigKey(i), '"v"');
    const client = await RawClient.connect(path);
    const start = performance.now();
    const reply = await client.request({ command: 'list_keys', request_id: 1, data: {} });
    expect(performance.now() - start).toBeLessThan(1000);
    expect(reply.success).toBe(false);
    expect(reply.error).toEqual({
      code: KvErrorCode.REPLY_TOO_LARGE,
      message: expect.stringMatching(/95000 keys.*"cursor":"0"/),
    });
    // The connection stays usable.
    expect((await client.request({ command: 'ping' })).success).toBe(true);
  });
});

describe('list_keys paging', () => {
  it('a small keyspace without a cursor gets every key, as before, with cursor "0"', async () => {
    const { path } = await startServer();
    const kv = await KvClient.connect(path);
    await kv.store('username', 'x');
    await kv.store('age', 1);
    expect(await kv.request('list_keys')).toEqual({ keys: ['username', 'age'], count: 2, cursor: '0' });
    await kv.close();
  });

  it('pages in insertion order with count; cursor "0" when done', async () => {
    const { path } = await startServer();
    const kv = await KvClient.connect(path);
    await Promise.all(Array.from({ length: 25 }, (_, i) => kv.store(`k${i}`, i)));
    const first = await kv.request<{ keys: string[]; cursor: string }>('list_keys', {
      cursor: '0',
      count: 10,
    });
    expect(first.keys).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`));
    const second = await kv.request<{ keys: string[]; cursor: string }>('list_keys', {
      cursor: first.cursor,
      count: 10,
    });
    expect(second.keys[0]).toBe('k10');
    const third = await kv.request<{ keys: string[]; cursor: string; count: number }>('list_keys', {
      cursor: second.cursor,
      count: 10,
    });
    expect(third).toEqual({ keys: ['k20', 'k21', 'k22', 'k23', 'k24'], count: 5, cursor: '0' });
    // `count` alone starts a paged scan (cursor "0").
    expect(await kv.request('list_keys', { count: 2 })).toEqual({
      keys: ['k0', 'k1'],
      count: 2,
      cursor: expect.not.stringMatching(/^0$/),
    });
    await kv.close();
  });

  it('rejects a bad cursor or count with INVALID_INPUT', async () => {
    const { path } = await startServer();
    const client = await RawClient.connect(path);
    for (const data of [
      { cursor: 'abc' },
      { cursor: -1 },
      { cursor: '1.5' },
      { count: 0 },
      { count: 10_001 },
      { count: '5' },
    ]) {
      const reply = await client.request({ command: 'list_keys', data });
      expect(reply.error, JSON.stringify(data)).toMatchObject({ code: KvErrorCode.INVALID_INPUT });
    }
  });

  it('every key present for the whole scan is returned exactly once despite inserts, deletes and overwrites', async () => {
    const { path } = await startServer();
    const kv = await KvClient.connect(path);
    await Promise.all(Array.from({ length: 3000 }, (_, i) => kv.store(`k${i}`, i)));
    const deleted = new Set<string>();
    const seen: string[] = [];
    let cursor = '0';
    let round = 0;
    do {
      const page = await kv.request<{ keys: string[]; cursor: string }>('list_keys', { cursor, count: 97 });
      seen.push(...page.keys);
      cursor = page.cursor;
      round++;
      // Between pages: delete keys ahead and behind, add new ones, overwrite existing ones.
      const ops: Array<Promise<unknown>> = [];
      for (const victim of [`k${(round * 37) % 3000}`, `k${(round * 53 + 1500) % 3000}`]) {
        if (!deleted.has(victim)) {
          deleted.add(victim);
          ops.push(kv.delete(victim));
        }
      }
      ops.push(kv.store(`new${round}`, round), kv.store(`k${(round * 71) % 3000}`, 'overwritten'));
      await Promise.all(ops);
    } while (cursor !== '0');
    const counts = new Map<string, number>();
    for (const key of seen) counts.set(key, (counts.get(key) ?? 0) + 1);
    for (let i = 0; i < 3000; i++) {
      const key = `k${i}`;
      if (!deleted.has(key)) expect(counts.get(key), key).toBe(1);
    }
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    await kv.close();
  });

  it('the client and kv-client page transparently', async () => {
    const { server, path } = await startServer();
    for (let i = 0; i < 12_345; i++) server.store.setJson(`key:${i}`, '1');
    const kv = await KvClient.connect(path);
    const { keys, count } = await kv.listKeys();
    expect(count).toBe(12_345);
    expect(keys.at(-1)).toBe('key:12344');
    await kv.close();
    const stdout = new PassThrough();
    let text = '';
    stdout.setEncoding('utf8').on('data', (t: string) => {
      text += t;
    });
    const code = await runKvClientCli({
      argv: ['--socket', path, 'list_keys'],
      env: {},
      stdin: Readable.from(['']),
      stdout,
      stderr: new PassThrough(),
    });
    expect(code).toBe(0);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(12_345);
    expect(lines[12_344]).toBe('key:12344');
  });

  it('the client still works against a server from before paging (no cursor in the reply)', async () => {
    const registry = createDefaultRegistry();
    const legacy = new CommandRegistry();
    for (const name of registry.names()) {
      legacy.register(
        name,
        name === 'list_keys'
          ? {
              description: 'List all stored keys',
              parameters: {},
              handler: (_data, ctx) => {
                const store = ctx.store as KvStore;
                return { keys: store.keys(), count: store.size };
              },
            }
          : registry.get(name)!,
      );
    }
    const { path } = await startServer({ registry: legacy });
    const kv = await KvClient.connect(path, { requestTimeoutMs: 5000 });
    await kv.store('a', 1);
    await kv.store('b', 2);
    expect(await kv.listKeys()).toEqual({ keys: ['a', 'b'], count: 2 });
    await kv.close();
  });
});
