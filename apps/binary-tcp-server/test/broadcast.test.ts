import { connectionsReach } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { frame, RawClient, startServer } from './helpers.js';

describe('broadcast fan-out', () => {
  it('counts recipients correctly as clients join and leave', async () => {
    const { server, port } = await startServer();
    const a = await RawClient.connect(port);
    const recipientsOf = async (content: string): Promise<unknown> =>
      (await a.request({ type: 'broadcast', content })).recipients;

    expect(await recipientsOf('alone')).toBe(0);
    const b = await RawClient.connect(port);
    await connectionsReach(server, 2, 'b registered');
    expect(await recipientsOf('one')).toBe(1);
    const c = await RawClient.connect(port);
    await connectionsReach(server, 3, 'c registered');
    expect(await recipientsOf('two')).toBe(2);
    await b.waitFrames(2);
    b.socket.destroy();
    await connectionsReach(server, 2, 'b gone');
    expect(await recipientsOf('after b left')).toBe(1);
    const d = await RawClient.connect(port);
    await connectionsReach(server, 3, 'd registered');
    expect(await recipientsOf('with d')).toBe(2);

    await c.waitFrames(3);
    await d.waitFrames(1);
    expect(b.frames.map((f) => f.content)).toEqual(['one', 'two']);
    expect(c.frames.map((f) => f.content)).toEqual(['two', 'after b left', 'with d']);
    expect(d.frames.map((f) => f.content)).toEqual(['with d']);
    expect(
      c.frames.every((f) => f.type === 'broadcast' && f.from === `127.0.0.1:${a.socket.localPort}`),
    ).toBe(true);
  });

  it('several broadcasts in one chunk reach everyone in order', async () => {
    const { port } = await startServer();
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    await b.request({ type: 'ping' });
    a.write(Buffer.concat(Array.from({ length: 50 }, (_, i) => frame({ type: 'broadcast', content: i }))));
    const sent = await a.waitFrames(50);
    expect(sent.every((f) => f.type === 'broadcast_sent' && f.recipients === 1)).toBe(true);
    const got = await b.waitFrames(51);
    expect(got.slice(1).map((f) => f.content)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('a client that never reads is cut off at the output cap while the others keep receiving', async () => {
    const cap = 64 * 1024;
    const { server, port } = await startServer({ maxOutputQueueBytes: cap });
    const sender = await RawClient.connect(port);
    const reader = await RawClient.connect(port);
    const stuck = await RawClient.connect(port);
    stuck.socket.pause();
    await connectionsReach(server, 3, 'clients registered');

    const content = 'z'.repeat(32 * 1024);
    const recipients: number[] = [];
    const deadline = Date.now() + 15_000;
    // The kernel's socket buffers absorb a few MB first; keep broadcasting until the server gives up.
    while (server.stats.slowClientsDropped === 0) {
      if (Date.now() > deadline) throw new Error('the stuck client was never disconnected');
      recipients.push((await sender.request({ type: 'broadcast', content })).recipients as number);
    }
    recipients.push((await sender.request({ type: 'broadcast', content })).recipients as number);
    expect(recipients[0]).toBe(2);
    expect(recipients.at(-1)).toBe(1);
    await connectionsReach(server, 2, 'stuck client removed');

    // The reading client got every broadcast, and the server's queue for it never came near the cap.
    await reader.waitFrames(recipients.length, 10_000);
    expect(reader.frames.every((f) => f.type === 'broadcast' && f.content === content)).toBe(true);
    expect(await reader.request({ type: 'ping' })).toMatchObject({ type: 'pong' });
  });
});
