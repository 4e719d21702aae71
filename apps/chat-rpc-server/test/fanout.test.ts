import { connectionsReach } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { runChatFanout } from '../src/index.js';
import { startServer } from './helpers.js';

describe('runChatFanout (the fan-out load of fanout-cli.ts and the bench)', () => {
  it('joins every receiver and a sender, and every message reaches every receiver', async () => {
    // One sender sends 12 messages: lift its rate limit as the bench does.
    const { server, port } = await startServer({ rateBurst: 1000, ratePerSecond: 1000 });
    const result = await runChatFanout({
      target: { host: '127.0.0.1', port },
      receivers: 25,
      messages: 10,
      warmupMessages: 2,
    });
    expect(result).toMatchObject({ receivers: 25, messages: 10, lost: 0, errors: 0 });
    expect(result.allReceived.count).toBe(10);
    expect(result.deliveredPerSecond).toBeGreaterThan(0);
    await connectionsReach(server, 0, 'fan-out clients closed');
  });

  it('counts messages the rate limit keeps from anyone as lost', async () => {
    const { port } = await startServer({ rateBurst: 3, ratePerSecond: 0.001 });
    const result = await runChatFanout({
      target: { host: '127.0.0.1', port },
      receivers: 3,
      messages: 5,
      intervalMs: 1,
      deliveryTimeoutMs: 200,
    });
    // The sender's join takes one of the 3 tokens: 2 messages go out, 3 are refused.
    expect(result.lost).toBe(3);
    expect(result.allReceived.count).toBe(2);
  });
});
