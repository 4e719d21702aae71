import { connectionsReach } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { frame, header, RawClient, startServer } from './helpers.js';

/** Writes `bytes` in pieces cut at `cuts`, letting each piece reach the server on its own. */
async function writeInPieces(c: RawClient, bytes: Buffer, cuts: number[]): Promise<void> {
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut <= start) continue;
    await new Promise<void>((resolve) => c.socket.write(bytes.subarray(start, cut), () => resolve()));
    await new Promise((resolve) => setImmediate(resolve));
    start = cut;
  }
}

describe('frame boundaries', () => {
  const request = frame({ type: 'echo', content: 'héllo ✓ 🎉' });

  it('a frame split at every single byte (header included) decodes like the whole frame', async () => {
    const { port } = await startServer();
    for (let cut = 1; cut < request.length; cut++) {
      const c = await RawClient.connect(port);
      await writeInPieces(c, request, [cut]);
      const [reply] = await c.waitFrames(1);
      expect(reply).toMatchObject({ type: 'echo_response', content: 'héllo ✓ 🎉' });
      c.socket.destroy();
    }
  });

  it('input injected in exact pieces (every cut, inside the header too) decodes like the whole', async () => {
    // Writing over TCP cannot force the server to read in those pieces, so this feeds the connection
    // directly; the test above covers the same over the wire.
    const { server, port } = await startServer();
    const c = await RawClient.connect(port);
    await connectionsReach(server, 1, 'connection');
    const [conn] = [...server.connections];
    const stream = Buffer.concat([request, request]);
    let expected = 0;
    for (let cut = 0; cut <= stream.length; cut++) {
      conn!.onData(stream.subarray(0, cut));
      conn!.onData(stream.subarray(cut));
      expected += 2;
    }
    for (let i = 0; i < stream.length; i++) conn!.onData(stream.subarray(i, i + 1));
    expected += 2;
    const frames = await c.waitFrames(expected);
    for (const f of frames) expect(f).toMatchObject({ type: 'echo_response', content: 'héllo ✓ 🎉' });
  });

  it('a frame sent one byte at a time decodes', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    await writeInPieces(
      c,
      request,
      Array.from({ length: request.length }, (_, i) => i),
    );
    const [reply] = await c.waitFrames(1);
    expect(reply).toMatchObject({ type: 'echo_response', content: 'héllo ✓ 🎉' });
  });

  it('three frames split at every pair of positions decode in order', async () => {
    const { port } = await startServer();
    const stream = Buffer.concat([
      frame({ type: 'echo', content: 1 }),
      frame({ type: 'ping' }),
      frame({ type: 'echo', content: 'é' }),
    ]);
    const c = await RawClient.connect(port);
    let expected = 0;
    for (let a = 1; a < stream.length; a += 3) {
      for (let b = a + 1; b < stream.length; b += 5) {
        await writeInPieces(c, stream, [a, b]);
        expected += 3;
      }
    }
    const frames = await c.waitFrames(expected, 15_000);
    for (let i = 0; i < frames.length; i += 3) {
      expect(frames[i]).toMatchObject({ type: 'echo_response', content: 1 });
      expect(frames[i + 1]).toMatchObject({ type: 'pong' });
      expect(frames[i + 2]).toMatchObject({ type: 'echo_response', content: 'é' });
    }
  });

  it('many frames in one chunk are all answered, in order', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    const chunk = Buffer.concat(Array.from({ length: 1000 }, (_, i) => frame({ type: 'echo', content: i })));
    c.write(chunk);
    const frames = await c.waitFrames(1000);
    expect(frames.map((f) => f.content)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});

describe('frame size limits', () => {
  const MAX = 1024;

  for (const [name, length] of [
    ['0xFFFFFFFF', 0xffff_ffff],
    ['0x80000000', 0x8000_0000],
    ['max+1', MAX + 1],
  ] as const) {
    it(`a ${name} length header gets FRAME_TOO_LARGE right after the header, then a close`, async () => {
      const { port } = await startServer({ maxFrameBytes: MAX });
      const c = await RawClient.connect(port);
      // Only the header: the server must answer without waiting for (or allocating) the body.
      c.write(header(length));
      await c.waitClosed();
      expect(c.frames).toEqual([expect.objectContaining({ type: 'error', code: 'FRAME_TOO_LARGE' })]);
    });
  }

  it('a frame of exactly the maximum is accepted', async () => {
    const { port } = await startServer({ maxFrameBytes: MAX });
    const c = await RawClient.connect(port);
    const prefix = '{"type":"echo","content":"';
    const content = 'x'.repeat(MAX - prefix.length - 2);
    const payload = `${prefix}${content}"}`;
    expect(Buffer.byteLength(payload)).toBe(MAX);
    c.write(frame(payload));
    const [reply] = await c.waitFrames(1);
    expect(reply).toMatchObject({ type: 'echo_response', content });
  });

  it('a zero-length frame gets EMPTY_FRAME and a close', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    c.write(Buffer.concat([frame({ type: 'ping' }), header(0), frame({ type: 'ping' })]));
    await c.waitClosed();
    expect(c.frames.map((f) => (f.type === 'error' ? f.code : f.type))).toEqual(['pong', 'EMPTY_FRAME']);
  });

  it('an HTTP request line (wrong protocol) gets one error and a close', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    c.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await c.waitClosed();
    expect(c.frames).toEqual([expect.objectContaining({ type: 'error', code: 'FRAME_TOO_LARGE' })]);
  });

  it('replies to frames before an oversize header are delivered before the error', async () => {
    const { server, port } = await startServer({ maxFrameBytes: MAX });
    const c = await RawClient.connect(port);
    c.write(
      Buffer.concat([
        frame({ type: 'echo', content: 'a' }),
        frame({ type: 'echo', content: 'b' }),
        header(MAX + 1),
      ]),
    );
    await c.waitClosed();
    expect(c.frames.map((f) => f.content ?? f.code)).toEqual(['a', 'b', 'FRAME_TOO_LARGE']);
    await connectionsReach(server, 0, 'connection released');
  });
});
