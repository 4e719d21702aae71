// Anchor: the ceiling for Node on this machine. Every byte is piped straight back, so
// length-prefixed frames come back as the same frames.
import { createServer } from 'node:net';

const port = Number(process.argv[2] ?? 0);
const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.pipe(socket);
});
server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
