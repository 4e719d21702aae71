import { type Measurement, measureInterleaved } from '../measure.ts';
import { SET_EXPOSURE_MESSAGE } from '../peers/method.ts';
import { benchScript } from '../run-generator.ts';
import { type ServerProcess, startServerProcess } from '../server-process.ts';
import { freePort } from '../target.ts';
import { load, roundsFor, type Scenario, wsRoundSpec } from './common.ts';

/** Starts one of the JSON-RPC peer servers (bench/src/peers), workspace packages from their build. */
async function startPeer(file: string, port: number): Promise<ServerProcess> {
  return startServerProcess({
    args: [...benchScript(file, { fromBuild: true }), String(port)],
    ready: { host: '127.0.0.1', port },
  });
}

/**
 * `@sockworks/jsonrpc` against two other JSON-RPC 2.0 libraries on the same `ws` server, the same
 * method (five named params in, an object of the same size out, the same checks) and the same load:
 * plain JSON-RPC 2.0 text frames from the ws generator. Three servers, interleaved rounds.
 */
export const wsRpcPeers: Scenario = {
  id: 'ws-rpc-peers',
  app: '@sockworks/jsonrpc',
  title:
    'JSON-RPC call with params over ws, 100 connections: @sockworks/jsonrpc vs json-rpc-2.0 vs rpc-websockets',
  target: 'ahead of both peers: throughput (>= 1x each) and p99 (saturated and paced)',
  async run(s) {
    const rounds = roundsFor(s);
    const spec = wsRoundSpec(s, SET_EXPOSURE_MESSAGE);
    const peers = [
      { name: '@sockworks/jsonrpc', file: 'peers/sockworks-jsonrpc.ts', port: await freePort() },
      { name: 'json-rpc-2.0', file: 'peers/json-rpc-2-0.ts', port: await freePort() },
      { name: 'rpc-websockets', file: 'peers/rpc-websockets.ts', port: await freePort() },
    ];
    const subjects = (intervalMs?: number) =>
      peers.map((p) => {
        const label = intervalMs === undefined ? p.name : `${p.name} (paced: 100 x 1 per ${intervalMs} ms)`;
        return {
          subject: label,
          start: () => startPeer(p.file, p.port),
          load: () => load(spec(`ws://127.0.0.1:${p.port}/`, intervalMs), label, s),
        };
      });
    const saturated = await measureInterleaved(rounds, subjects());
    const paced = await measureInterleaved(rounds, subjects(10));
    const p99s = (ms: Measurement[]) => ms.map((m) => m.p99Ms ?? Number.POSITIVE_INFINITY);
    const [oursSat = Infinity, ...peersSat] = p99s(saturated.measurements);
    const [oursPaced = Infinity, ...peersPaced] = p99s(paced.measurements);
    // The ratio shown is against the closer peer.
    const ratio = Math.min(...saturated.ratios);
    return {
      measurements: [...saturated.measurements, ...paced.measurements],
      ratio,
      pass:
        saturated.ratios.every((r) => r >= 1) &&
        peersSat.every((p) => oursSat < p) &&
        peersPaced.every((p) => oursPaced < p),
    };
  },
};
