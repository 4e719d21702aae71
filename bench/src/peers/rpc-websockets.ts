// Peer server: `set_exposure` through `rpc-websockets`' own Server (it creates its own `ws` server;
// the options below are handed to it, the same as the anchor's).
import { Server } from 'rpc-websockets';
import { checkExposure, setExposure } from './method.ts';

const port = Number(process.argv[2] ?? 0);
const server = new Server({ host: '127.0.0.1', port, perMessageDeflate: false, maxPayload: 1 << 20 });
server.register('set_exposure', (params: unknown) => setExposure(checkExposure(params)));
server.on('listening', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
