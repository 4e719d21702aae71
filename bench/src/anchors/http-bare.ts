// Anchor: a bare node:http server giving the same answer as http-local-server.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '7', Connection: 'close' });
  res.end('running');
});
server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
