/**
 * Cost of one single request through the engine compared with a bare JSON.parse + handler +
 * JSON.stringify, and with jayson's `server.call` alone: as text (JSON.parse and jayson), and as bytes
 * (the simple-call shortcut a transport such as the WebSocket app takes), with the shortcut on and off.
 * Not a test (no timing assertions anywhere).
 * Run with `pnpm --filter @sockworks/jsonrpc bench [iterations]`: bench/run.mjs bundles this file with
 * esbuild first, because tsx's keepNames transform makes every closure noticeably slower.
 */
import jayson from 'jayson';
import { JsonRpcEngine } from '../src/index.js';

const iterations = Number(process.argv[2] ?? 200_000);
const message = '{"jsonrpc":"2.0","method":"ping","id":1}';

const bytes = Buffer.from(message);

const engine = new JsonRpcEngine().register('ping', { handler: () => 'pong' });
const noShortcut = new JsonRpcEngine({ simpleCallShortcut: false }).register('ping', {
  handler: () => 'pong',
});
const server = new jayson.Server({
  ping: (_params: unknown, cb: (e: null, r: string) => void) => cb(null, 'pong'),
});

async function bare(): Promise<string> {
  const req = JSON.parse(message) as { id: number };
  return JSON.stringify({ jsonrpc: '2.0', result: 'pong', id: req.id });
}

function jaysonOnly(): Promise<string> {
  return new Promise((resolve) => {
    server.call(JSON.parse(message) as jayson.JSONRPCRequest, (err, res) =>
      resolve(JSON.stringify(err ?? res)),
    );
  });
}

async function nsPerCall(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  return Number(process.hrtime.bigint() - start) / iterations;
}

const cases: Array<[string, () => Promise<unknown>]> = [
  ['bare parse+handler+stringify', bare],
  ['jayson server.call', jaysonOnly],
  ['JsonRpcEngine.handle', () => engine.handle(message)],
  ['respond(bytes), shortcut', async () => engine.respond(bytes, undefined)],
  ['respond(bytes), no shortcut', async () => noShortcut.respond(bytes, undefined)],
];
// Interleaved rounds, best of each: the machine is shared, so the minimum is the least noisy figure.
const best = new Map<string, number>();
for (let round = 0; round < 5; round++) {
  for (const [name, fn] of cases) {
    const ns = await nsPerCall(fn);
    best.set(name, Math.min(best.get(name) ?? Number.POSITIVE_INFINITY, ns));
  }
}
const base = best.get('bare parse+handler+stringify') ?? 1;
for (const [name, ns] of best) {
  console.log(`${name.padEnd(30)} ${ns.toFixed(0).padStart(6)} ns/request  ${(ns / base).toFixed(2)}x bare`);
}
