import { TcpErrorCode } from '@sockworks/error-codes';
import { describe, expect, it } from 'vitest';
import { frame, RawClient, startServer } from './helpers.js';

describe('numbers JSON cannot carry', () => {
  it('1e400 in any field, nested or as request_id, is INVALID_MESSAGE, never echoed as null', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    const payloads = [
      '{"type":"echo","content":1e400}',
      '{"type":"echo","content":"x","request_id":1e400}',
      '{"type":"echo","content":[1,{"n":-1e400}]}',
      `{"type":"echo","content":${'1'.repeat(400)}}`,
    ];
    for (const payload of payloads) {
      const reply = await c.request(payload);
      expect(reply, payload).toMatchObject({ type: 'error', code: TcpErrorCode.INVALID_MESSAGE });
      expect(JSON.stringify(reply)).not.toContain('null');
    }
    // The connection stays usable.
    expect(await c.request({ type: 'echo', content: 'ok' })).toMatchObject({
      type: 'echo_response',
      content: 'ok',
    });
  });

  it('finite numbers with exponents are echoed as numbers', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    c.write(frame('{"type":"echo","content":[1e308,2e-3,7e0]}'));
    const [reply] = await c.waitFrames(1);
    expect(reply).toMatchObject({ type: 'echo_response', content: [1e308, 0.002, 7] });
  });
});
