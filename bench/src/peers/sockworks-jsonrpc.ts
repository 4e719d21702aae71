// Peer server: `set_exposure` through @sockworks/jsonrpc on a bare `ws` server (the anchor's options).
// The bench starts it without the sockworks-source condition, so the package runs from its build.
import { JsonRpcEngine } from '@sockworks/jsonrpc';
import { WebSocketServer } from 'ws';
import { setExposureMethod } from './sockworks-method.ts';

const engine = new JsonRpcEngine().register('set_exposure', setExposureMethod);

const port = Number(process.argv[2] ?? 0);
const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, maxPayload: 1 << 20 });
wss.on('connection', (ws) => {
  ws.on('error', () => ws.terminate());
  ws.on('message', (data: Buffer) => {
    // respond() answers synchronous methods in the same turn and async ones with a promise.
    const reply = engine.respond(data, undefined);
    if (typeof reply === 'string') ws.send(reply);
    else if (reply !== undefined) void reply.then((text) => text !== undefined && ws.send(text));
  });
});
wss.on('listening', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
