import type { Socket } from 'node:net';
import { ClientErrorCode } from '@sockworks/error-codes';
import { describe, expect, it } from 'vitest';
import { type FanoutProtocol, runFanout } from '../src/index.js';
import { lineServer } from './servers.js';

/** A toy broadcast protocol: `join <name>` -> `joined`; `say <n>` -> `msg <n>` to every other member. */
const protocol: FanoutProtocol = {
  join: (name) => Buffer.from(`join ${name}\n`),
  joined: (line) => line === 'joined',
  message: (seq) => Buffer.from(`say ${seq}\n`),
  delivered: (line) => (line.startsWith('msg ') ? Number(line.slice(4)) : undefined),
};

/** The toy server; `drop(seq)` makes it skip one receiver for that message, `ack: false` never acknowledges joins. */
async function broadcastServer({
  drop = (_seq: number): boolean => false,
  ack = true,
}: {
  drop?: (seq: number) => boolean;
  ack?: boolean;
} = {}) {
  const members = new Set<Socket>();
  return lineServer((request, socket) => {
    if (request.startsWith('join ')) {
      for (const m of members) m.write(`notice ${request.slice(5)} joined\n`);
      members.add(socket);
      return ack ? 'joined\n' : undefined;
    }
    const seq = Number(request.slice(4));
    let skipped = !drop(seq);
    for (const m of members) {
      if (m === socket) continue;
      if (!skipped) {
        skipped = true;
        continue;
      }
      m.write(`msg ${seq}\n`);
    }
    return undefined;
  });
}

describe('runFanout', () => {
  it('closed loop: every measured message reaches every receiver; warm-up messages are not measured', async () => {
    const srv = await broadcastServer();
    const progress: number[] = [];
    const result = await runFanout({
      target: srv.target,
      protocol,
      receivers: 20,
      messages: 30,
      warmupMessages: 5,
      settleMs: 20,
      progressIntervalMs: 5,
      onProgress: (n) => progress.push(n),
    });
    expect(result).toMatchObject({ receivers: 20, messages: 30, lost: 0, errors: 0 });
    expect(result.allReceived.count).toBe(30);
    expect(result.allReceived.p50Ms).toBeLessThanOrEqual(result.allReceived.maxMs);
    expect(result.deliveredPerSecond).toBeGreaterThan(0);
    expect(srv.received.filter((r) => r.startsWith('say '))).toHaveLength(35);
    expect(progress.every((n) => n >= 0 && n <= 30)).toBe(true);
    await srv.allClosed();
  });

  it('paced: sends at the interval and waits (bounded) for the last messages', async () => {
    const srv = await broadcastServer();
    const result = await runFanout({
      target: srv.target,
      protocol,
      receivers: 5,
      messages: 10,
      intervalMs: 5,
    });
    expect(result).toMatchObject({ lost: 0, errors: 0 });
    expect(result.allReceived.count).toBe(10);
  });

  it('a message one receiver never gets is lost after deliveryTimeoutMs, and the run goes on', async () => {
    const srv = await broadcastServer({ drop: (seq) => seq === 3 });
    const result = await runFanout({
      target: srv.target,
      protocol,
      receivers: 4,
      messages: 6,
      deliveryTimeoutMs: 150,
    });
    expect(result.lost).toBe(1);
    expect(result.allReceived.count).toBe(5);
  });

  it('a join that is never acknowledged is REQUEST_TIMEOUT naming the receiver', async () => {
    const srv = await broadcastServer({ ack: false });
    await expect(
      runFanout({ target: srv.target, protocol, receivers: 3, messages: 1, joinTimeoutMs: 150 }),
    ).rejects.toMatchObject({
      code: ClientErrorCode.REQUEST_TIMEOUT,
      message: expect.stringMatching(
        /^receiver r\d at 127\.0\.0\.1:\d+: join not acknowledged within 150 ms$/,
      ),
    });
    await srv.allClosed();
  });
});
