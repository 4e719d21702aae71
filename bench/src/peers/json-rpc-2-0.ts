// Peer server: `set_exposure` through the `json-rpc-2.0` package on a bare `ws` server (the anchor's
// options), as its README wires it: receiveJSON(text), then JSON.stringify of the response.
import { JSONRPCServer } from 'json-rpc-2.0';
import { WebSocketServer } from 'ws';
import { checkExposure, setExposure } from './method.ts';

const server = new JSONRPCServer();
server.addMethod('set_exposure', (params: unknown) => setExposure(checkExposure(params)));

const port = Number(process.argv[2] ?? 0);
const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, maxPayload: 1 << 20 });
wss.on('connection', (ws) => {
  ws.on('error', () => ws.terminate());
  ws.on('message', (data: Buffer) => {
    void server.receiveJSON(data.toString()).then((response) => {
      if (response !== null) ws.send(JSON.stringify(response));
    });
  });
});
wss.on('listening', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
