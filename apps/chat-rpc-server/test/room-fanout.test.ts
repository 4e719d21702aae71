import { describe, expect, it } from 'vitest';
import { runChatFanout } from '../src/index.js';
import { RawClient, startServer } from './helpers.js';

describe('runChatFanout in rooms (the chat-room-fanout load of the bench)', () => {
  it('spreads the receivers over the rooms, a sender each; every message reaches every member of its room', async () => {
    const { port } = await startServer({ rateBurst: 1000, ratePerSecond: 1000 });
    const result = await runChatFanout({
      target: { host: '127.0.0.1', port },
      receivers: 12,
      rooms: 3,
      messages: 9,
      warmupMessages: 3,
    });
    expect(result).toMatchObject({ receivers: 12, groups: 3, messages: 9, lost: 0, errors: 0 });
    expect(result.allReceived.count).toBe(9);
    // Message m<seq> went to room<seq % 3>, posted by that room's sender.
    const check = await RawClient.connect(port);
    await check.call({ method: 'join_chat', params: { username: 'checker', protocol: 2 } });
    for (let room = 0; room < 3; room++) {
      await check.call({ method: 'join_room', params: { room: `room${room}` } });
      const history = await check.call({ method: 'get_history', params: { room: `room${room}` } });
      const seqs = [room, room + 3, room + 6, room + 9];
      expect(history.messages).toEqual(
        seqs.map((seq) => expect.objectContaining({ username: `sender${room}`, message: `m${seq}` })),
      );
    }
  });
});
