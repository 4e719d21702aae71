/**
 * Cost of one single request through the engine, compared with a bare JSON.parse + handler +
 * JSON.stringify and with jayson's `server.call` alone, for two calls: `ping` (no params, a string
 * result) and a realistic call (an object of five named params in, an object of the same size out,
 * checked by `namedParams` in the engine and by the same checks written out in the baselines).
 * Not a test (no timing assertions anywhere).
 * The call is the ws-rpc-peers benchmark's `set_exposure` (peers/method.ts), defined once.
 * Run with `pnpm --filter @sockworks/bench jsonrpc-overhead [iterations]`: run-jsonrpc-overhead.mjs
 * bundles this file with esbuild first, because tsx's keepNames transform makes every closure
 * noticeably slower.
 */

import { JsonRpcEngine } from '@sockworks/jsonrpc';
import jayson from 'jayson';
import { checkExposure, SET_EXPOSURE_MESSAGE, setExposure } from '../peers/method.ts';
import { setExposureMethod } from '../peers/sockworks-method.ts';

const iterations = Number(process.argv[2] ?? 200_000);

const pingText = '{"jsonrpc":"2.0","method":"ping","id":1}';
const callText = SET_EXPOSURE_MESSAGE;
const pingBytes = Buffer.from(pingText);
const callBytes = Buffer.from(callText);

const engine = new JsonRpcEngine()
  .register('ping', { handler: () => 'pong' })
  .register('set_exposure', setExposureMethod);
type Cb = (e: null, r: unknown) => void;
const server = new jayson.Server({
  ping: (_params: unknown, cb: Cb) => cb(null, 'pong'),
  set_exposure: (params: unknown, cb: Cb) => cb(null, setExposure(checkExposure(params))),
});

async function barePing(): Promise<string> {
  const req = JSON.parse(pingText) as { id: number };
  return JSON.stringify({ jsonrpc: '2.0', id: req.id, result: 'pong' });
}
async function bareCall(): Promise<string> {
  const req = JSON.parse(callText) as { id: number; params: unknown };
  return JSON.stringify({ jsonrpc: '2.0', id: req.id, result: setExposure(checkExposure(req.params)) });
}
function jaysonOnly(text: string): () => Promise<string> {
  return () =>
    new Promise((resolve) => {
      server.call(JSON.parse(text) as jayson.JSONRPCRequest, (err, res) =>
        resolve(JSON.stringify(err ?? res)),
      );
    });
}

async function nsPerCall(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  return Number(process.hrtime.bigint() - start) / iterations;
}

// Every case is awaited, so each figure includes one promise.
const cases: Array<[string, string, () => Promise<unknown>]> = [
  ['ping', 'bare parse+handler+stringify', barePing],
  ['ping', 'jayson server.call', jaysonOnly(pingText)],
  ['ping', 'engine.handle(text)', () => engine.handle(pingText)],
  ['ping', 'engine.respond(bytes)', async () => engine.respond(pingBytes, undefined)],
  ['call', 'bare parse+handler+stringify', bareCall],
  ['call', 'jayson server.call', jaysonOnly(callText)],
  ['call', 'engine.handle(text)', () => engine.handle(callText)],
  ['call', 'engine.respond(bytes)', async () => engine.respond(callBytes, undefined)],
];
// Interleaved rounds, best of each: the machine is shared, so the minimum is the least noisy figure.
const best = new Map<string, number>();
for (let round = 0; round < 5; round++) {
  for (const [group, name, fn] of cases) {
    const key = `${group}: ${name}`;
    const ns = await nsPerCall(fn);
    best.set(key, Math.min(best.get(key) ?? Number.POSITIVE_INFINITY, ns));
  }
}
for (const [group, name] of cases) {
  const ns = best.get(`${group}: ${name}`) ?? 0;
  const base = best.get(`${group}: bare parse+handler+stringify`) ?? 1;
  console.log(
    `${`${group}: ${name}`.padEnd(36)} ${ns.toFixed(0).padStart(6)} ns/request  ${(ns / base).toFixed(2)}x bare`,
  );
}
