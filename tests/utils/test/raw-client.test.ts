import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  connectRaw,
  framings,
  openRawSocket,
  type RawFraming,
  tempDir,
  tempSocketPath,
  WaitTimeoutError,
} from '../src/index.js';

/** A server on 127.0.0.1:0 (or `path`) that hands each accepted socket to `onSocket`; closed after the test. */
async function serve(
  onSocket: (socket: Socket) => void,
  path?: string,
): Promise<{ port: number; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onSocket(socket);
  });
  onTestFinished(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  await new Promise<void>((resolve) => {
    if (path === undefined) server.listen(0, '127.0.0.1', resolve);
    else server.listen(path, resolve);
  });
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, server };
}

/** A 4-byte big-endian length and the JSON of `value`. */
function frame(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value));
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length);
  return Buffer.concat([header, body]);
}

/** A server that writes `bytes` one byte per write, then ends. */
async function dripServer(bytes: Buffer): Promise<number> {
  const { port } = await serve((socket) => {
    for (let i = 0; i < bytes.length; i++) socket.write(bytes.subarray(i, i + 1));
    socket.end();
  });
  return port;
}

describe('connectRaw', () => {
  it('TCP: decodes newline JSON, next() reads in order, unread() holds the rest, closes with the peer', async () => {
    const { port } = await serve((socket) => socket.end('{"a":1}\n{"b":2}\n{"c":3}\n'));
    const client = await connectRaw(port, framings.ndjson());
    expect(await client.next()).toEqual({ a: 1 });
    await client.waitClosed();
    expect(client.unread()).toEqual([{ b: 2 }, { c: 3 }]);
    expect(await client.take(2)).toEqual([{ b: 2 }, { c: 3 }]);
    expect(client.messages).toHaveLength(3);
    expect(client.text()).toBe('{"a":1}\n{"b":2}\n{"c":3}\n');
    expect(client.ended).toBe(true);
  });

  it('a Unix socket path, with write() and end()', async () => {
    const path = tempSocketPath();
    await serve((socket) => socket.pipe(socket), path);
    const client = await connectRaw({ path }, framings.lines());
    client.write('one\ntw');
    client.write('o\n');
    expect(await client.take(2)).toEqual(['one', 'two']);
    client.end('three\n');
    await client.waitClosed();
    expect(client.messages).toEqual(['one', 'two', 'three']);
  });

  it('frames split at every byte decode the same: length-prefixed JSON, concatenated JSON, UTF-8', async () => {
    const values = [{ type: 'echo', content: 'héllo 🌍' }, [1, 2], { deep: [[[{}]]] }];
    const cases: Array<[RawFraming<unknown>, Buffer]> = [
      [framings.lengthPrefixedJson(), Buffer.concat(values.map(frame))],
      [framings.jsonStream(), Buffer.from(values.map((v) => JSON.stringify(v)).join(' '))],
      [framings.ndjson(), Buffer.from(values.map((v) => `${JSON.stringify(v)}\r\n`).join(''))],
    ];
    for (const [framing, bytes] of cases) {
      const client = await connectRaw(await dripServer(bytes), framing);
      expect(await client.waitForMessages(3), framing.name).toEqual(values);
    }
    const raw = await connectRaw(
      await dripServer(Buffer.concat(values.map(frame))),
      framings.lengthPrefixed(),
    );
    expect((await raw.take(3)).map((payload) => JSON.parse(payload.toString()))).toEqual(values);
  });

  it('map() converts each message; a throw in it is a decoding error', async () => {
    const port = await dripServer(Buffer.from('1\n2\nx\n'));
    const client = await connectRaw(
      port,
      framings.map(framings.lines(), (line) => {
        if (!/^\d+$/.test(line)) throw new Error(`not a number: ${line}`);
        return Number(line);
      }),
    );
    await expect(client.waitClosed()).rejects.toThrow(/is not text lines: not a number: x/);
    expect(client.messages).toEqual([1, 2]);
  });

  it('compactNdjson refuses what JSON.stringify would not write', async () => {
    for (const bytes of ['{"a": 1}\n', '{"a":1}\r\n', 'nope\n']) {
      const client = await connectRaw(await dripServer(Buffer.from(bytes)), framings.compactNdjson());
      await expect(client.waitClosed(), bytes).rejects.toThrow(/is not compact newline-delimited JSON/);
    }
  });

  it('a wait that times out names what it waited for and what arrived', async () => {
    const { port } = await serve((socket) => socket.write('{"a":1}\n'));
    const client = await connectRaw(port, framings.ndjson(), { label: 'the test client' });
    await client.next();
    const error = await client.next(100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toBe(
      'timed out after 100 ms waiting for message 2 on the test client (1 messages, 1 read, 8 bytes, open)',
    );
    await expect(client.waitUntil(() => client.messages.length > 5, 'six messages', 50)).rejects.toThrow(
      /waiting for six messages on the test client/,
    );
  });

  it('a wait the peer can no longer satisfy fails when the connection closes, not at the deadline', async () => {
    const { port } = await serve((socket) => socket.end('{"a":1}\n'));
    const client = await connectRaw(port, framings.ndjson());
    const started = Date.now();
    await expect(client.take(2, 60_000)).rejects.toThrow(/connection closed while waiting for messages 1-2/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('allowHalfOpen keeps our side open after the peer ends; waitEnded sees the end', async () => {
    let serverSide: Socket | undefined;
    const { port } = await serve((socket) => {
      serverSide = socket;
      socket.end('bye');
    });
    const client = await connectRaw(port, framings.bytes(), { allowHalfOpen: true });
    await client.waitEnded();
    expect(client.closed).toBe(false);
    expect(client.text()).toBe('bye');
    client.end();
    await client.waitClosed();
    expect(serverSide).toBeDefined();
  });

  it('refused and missing targets reject with the socket error', async () => {
    const { port, server } = await serve(() => {});
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(connectRaw(port, framings.bytes())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(openRawSocket({ path: join(tempDir(), 'none.sock') })).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});

describe('cleanup', () => {
  let leaked: Socket | undefined;

  it('(setup) a client left open by its test', async () => {
    const { port } = await serve(() => {});
    const client = await connectRaw(port, framings.bytes());
    leaked = client.socket;
    expect(leaked.destroyed).toBe(false);
  });

  it('is destroyed when that test finishes', () => {
    expect(leaked?.destroyed).toBe(true);
  });
});
