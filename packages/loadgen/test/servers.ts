/** Tiny in-test servers on real sockets (port 0 or a temp Unix socket), closed after each test. */
import { EventEmitter, once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { DEADLINES, registerCleanup, scaled, tempDir, withTimeout } from '@sockworks/test-utils';
import type { LoadTarget } from '../src/index.js';

/** A started server: its target, what it saw, and a way to wait for all its connections to close. */
export interface TestServer {
  target: LoadTarget;
  server: Server;
  /** Requests (lines or frames) received, in order of arrival. */
  received: string[];
  /** Connections accepted so far. */
  accepted(): number;
  /** Resolves once exactly `n` connections are open (awaits connection events, bounded). */
  openReaches(n: number): Promise<void>;
  /** Resolves once no connection is open. */
  allClosed(): Promise<void>;
}

/** What the server answers to one request on one connection: bytes, or nothing. */
export type Answer = (request: string, socket: Socket) => string | Buffer | undefined;

async function start(
  onSocket: (socket: Socket, srv: TestServer) => void,
  unix: boolean,
): Promise<TestServer> {
  const events = new EventEmitter();
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      events.emit('change');
    });
    events.emit('change');
    onSocket(socket, srv);
  });
  registerCleanup(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const path = unix ? join(tempDir('sw-lg-'), 's.sock') : undefined;
  if (path === undefined) server.listen(0, '127.0.0.1');
  else server.listen(path);
  await once(server, 'listening');
  const target: LoadTarget =
    path === undefined ? { host: '127.0.0.1', port: (server.address() as AddressInfo).port } : { path };
  const srv: TestServer = {
    target,
    server,
    received: [],
    accepted: () => accepted,
    openReaches: (n) =>
      withTimeout(
        new Promise<void>((resolve) => {
          const check = (): void => {
            if (sockets.size !== n) return;
            events.off('change', check);
            resolve();
          };
          events.on('change', check);
          check();
        }),
        scaled(DEADLINES.condition),
        `${n} connections open on the server side (${sockets.size} now)`,
      ),
    allClosed: () => srv.openReaches(0),
  };
  return srv;
}

/** A line server: `answer` gets each request line (without `\n`). */
export function lineServer(answer: Answer, { unix = false }: { unix?: boolean } = {}): Promise<TestServer> {
  return start((socket, srv) => {
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      const out: (string | Buffer)[] = [];
      for (const line of lines) {
        srv.received.push(line);
        const reply = answer(line, socket);
        if (reply !== undefined) out.push(reply);
      }
      if (out.length > 0)
        socket.write(Buffer.concat(out.map((r) => (typeof r === 'string' ? Buffer.from(r) : r))));
    });
  }, unix);
}

/** A length-prefixed server: `answer` gets each request body as text. */
export function frameServer(answer: Answer): Promise<TestServer> {
  return start((socket, srv) => {
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      const out: Buffer[] = [];
      while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
        const end = 4 + pending.readUInt32BE(0);
        const body = pending.subarray(4, end).toString();
        pending = pending.subarray(end);
        srv.received.push(body);
        const reply = answer(body, socket);
        if (reply !== undefined) out.push(typeof reply === 'string' ? Buffer.from(reply) : reply);
      }
      if (out.length > 0) socket.write(Buffer.concat(out));
    });
  }, false);
}

/** A server that accepts connections and reads everything but never answers. */
export function silentServer(): Promise<TestServer> {
  return start((socket, srv) => {
    socket.on('data', (chunk: Buffer) => {
      srv.received.push(chunk.toString());
    });
  }, false);
}
