import { ClientErrorCode, ServiceErrorCode } from '@sockworks/error-codes';
import { describe, expect, it } from 'vitest';
import { lineReplies, openIdleConnections } from '../src/index.js';
import { lineServer, silentServer } from './servers.js';

describe('openIdleConnections', () => {
  it('opens every connection in batches, sends the hello once, waits for its reply, then holds them', async () => {
    const srv = await lineServer((request) => `hi ${request}\n`);
    const idle = await openIdleConnections({
      target: srv.target,
      count: 120,
      batch: 25,
      hello: Buffer.from('hello\n'),
      helloReply: lineReplies,
    });
    expect(idle).toMatchObject({ failed: 0, firstError: undefined });
    expect(idle.sockets).toHaveLength(120);
    expect(srv.received).toEqual(Array.from({ length: 120 }, () => 'hello'));
    await srv.openReaches(120);
    idle.close();
    await srv.allClosed();
  });

  it('without a hello the connections just open and stay silent', async () => {
    const srv = await silentServer();
    const idle = await openIdleConnections({ target: srv.target, count: 30 });
    expect(idle.sockets).toHaveLength(30);
    await srv.openReaches(30);
    expect(srv.received).toEqual([]);
    idle.close();
    await srv.allClosed();
  });

  it('counts failures instead of rejecting: refused, and a hello with no reply in time', async () => {
    const gone = await silentServer();
    const target = gone.target;
    await new Promise((r) => gone.server.close(r));
    const refused = await openIdleConnections({ target, count: 5 });
    expect(refused).toMatchObject({ sockets: [], failed: 5 });
    expect(refused.firstError).toMatchObject({ code: ClientErrorCode.CONNECT_FAILED });

    const silent = await silentServer();
    const unanswered = await openIdleConnections({
      target: silent.target,
      count: 3,
      hello: Buffer.from('ping\n'),
      helloReply: lineReplies,
      replyTimeoutMs: 100,
    });
    expect(unanswered).toMatchObject({ sockets: [], failed: 3 });
    expect(unanswered.firstError?.message).toMatch(
      /^idle connection \d of 3 to 127\.0\.0\.1:\d+: no reply within 100 ms$/,
    );
    expect(unanswered.firstError).toMatchObject({ code: ClientErrorCode.REQUEST_TIMEOUT });
    // The unanswered connections were closed, not left open.
    await silent.allClosed();
  });

  it('rejects a bad count with INVALID_CONFIG', async () => {
    await expect(openIdleConnections({ target: { path: '/nonexistent' }, count: -1 })).rejects.toMatchObject({
      code: ServiceErrorCode.INVALID_CONFIG,
    });
  });
});
