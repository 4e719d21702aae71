import { KvErrorCode } from '@sockworks/error-codes';
import { describe, expect, it } from 'vitest';
import { RawClient, startServer } from './helpers.js';

const codeOf = (reply: Record<string, unknown>): string | undefined =>
  (reply.error as { code?: string } | undefined)?.code;

describe('numbers JSON cannot carry', () => {
  it('1e400, -1e400 and a 400-digit integer anywhere in a line are INVALID_JSON, never stored as null', async () => {
    const { path } = await startServer();
    const c = await RawClient.connect(path);
    const lines = [
      '{"command":"store","data":{"key":"k","value":1e400}}',
      '{"command":"store","data":{"key":"k","value":-1e400}}',
      '{"command":"store","data":{"key":"k","value":[1,{"deep":[2E+400]}]}}',
      `{"command":"store","data":{"key":"k","value":${'9'.repeat(400)}}}`,
      '{"command":"ping","request_id":1e400}',
      '{"command":"calculate","data":{"operation":"add","a":1e400,"b":1}}',
    ];
    for (const line of lines) {
      c.write(`${line}\n`);
      const [reply] = await c.replies(1);
      expect(codeOf(reply!), line).toBe(KvErrorCode.INVALID_JSON);
      expect(String((reply!.error as { message?: string }).message)).toMatch(/finite/);
    }
    // Nothing was stored, and the connection is still usable.
    expect(codeOf(await c.request({ command: 'retrieve', data: { key: 'k' } }))).toBe(
      KvErrorCode.KEY_NOT_FOUND,
    );
    expect(c.closed).toBe(false);
  });

  it('large finite numbers, tiny ones and exponent-like strings are stored unchanged', async () => {
    const { path } = await startServer();
    const c = await RawClient.connect(path);
    c.write(
      '{"command":"store","data":{"key":"k","value":[1e308,-1.7976931348623157e308,1e-400,"1e400"]}}\n',
    );
    expect(codeOf((await c.replies(1))[0]!)).toBeUndefined();
    const reply = await c.request({ command: 'retrieve', data: { key: 'k' } });
    expect(JSON.stringify(reply)).toContain('[1e+308,-1.7976931348623157e+308,0,"1e400"]');
  });
});
