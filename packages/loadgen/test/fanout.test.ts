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

  it('groups: each group has its own sender; a message is complete once every receiver of its group has it', async () => {
    // `join <name> <group>`; `say <n> <group>` -> `msg <n>` to the other members of that group only.
    const groups = new Map<string, Set<Socket>>();
    const got = new Map<string, number[]>(); // receiver name -> messages it was sent
    const names = new Map<Socket, string>();
    const srv = await lineServer((request, socket) => {
      const [verb, arg = '', group = ''] = request.split(' ');
      if (verb === 'join') {
        if (!groups.has(group)) groups.set(group, new Set());
        groups.get(group)?.add(socket);
        names.set(socket, arg);
        got.set(arg, []);
        return 'joined\n';
      }
      for (const m of groups.get(group) ?? []) {
        if (m === socket) continue;
        got.get(names.get(m) ?? '')?.push(Number(arg));
        m.write(`msg ${arg}\n`);
      }
      return undefined;
    });
    const grouped: FanoutProtocol = {
      join: (name, group) => Buffer.from(`join ${name} ${group}\n`),
      joined: protocol.joined,
      message: (seq, group) => Buffer.from(`say ${seq} ${group}\n`),
      delivered: protocol.delivered,
    };
    // 10 receivers in groups of 4, 3 and 3; closed loop, so each message waits for its own group only.
    const result = await runFanout({
      target: srv.target,
      protocol: grouped,
      receivers: 10,
      groups: 3,
      messages: 9,
    });
    expect(result).toMatchObject({ receivers: 10, groups: 3, messages: 9, lost: 0, errors: 0 });
    expect(result.allReceived.count).toBe(9);
    expect(srv.received.filter((r) => r.startsWith('say '))).toEqual(
      Array.from({ length: 9 }, (_, seq) => `say ${seq} ${seq % 3}`),
    );
    for (let g = 0; g < 3; g++) expect(got.get(`sender${g}`)).toEqual([]);
    // Receiver r<j> joined group j % 3 and got exactly that group's messages.
    for (let j = 0; j < 10; j++)
      expect(got.get(`r${j}`)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].filter((seq) => seq % 3 === j % 3));
    await srv.allClosed();
  });

  it('more groups than receivers is INVALID_CONFIG', async () => {
    const srv = await broadcastServer();
    await expect(
      runFanout({ target: srv.target, protocol, receivers: 2, groups: 3, messages: 1 }),
    ).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringContaining('groups') });
  });
});
