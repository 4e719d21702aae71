import { connectRaw, framings } from '@sockworks/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { captureLogger } from './capture-logger.js';
import { startServer } from './helpers.js';

/** Attempts a WebSocket upgrade; resolves with the HTTP status (101 when accepted), closing at once. */
function upgrade(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    onTestFinished(() => ws.terminate());
    ws.on('error', () => {});
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      ws.send('{"jsonrpc":"2.0","method":"ping","id":1}');
      ws.once('message', () => {
        ws.close();
        resolve(101);
      });
    });
  });
}

describe('secrets in logs', () => {
  it('neither a refused nor an accepted upgrade logs a ?token= value or the Authorization header', async () => {
    const capture = captureLogger('trace');
    const { url, server } = await startServer({
      authToken: 'SECRET',
      logger: capture.logger,
      messageLogLevel: 'debug',
    });
    const base = url.slice(0, url.lastIndexOf('/'));
    const bearer = { Authorization: 'Bearer SECRET' };
    expect(await upgrade(`${base}/nope?token=SECRET&access_token=SECRET`, bearer)).toBe(404);
    expect(await upgrade(`${url}?token=SECRET`, { Authorization: 'Bearer WRONG-SECRET' })).toBe(401);
    expect(await upgrade(`${url}?api_key=SECRET&token=SECRET`, bearer)).toBe(101);
    await server.close({ timeoutMs: 1000 });
    const text = JSON.stringify(capture.lines());
    expect(text).toContain('Upgrade refused');
    expect(text).toContain('Client connected');
    expect(text).not.toContain('SECRET');
    // The refusal still says where the client went.
    expect(capture.lines().find((l) => l.status === 404)?.path).toBe(
      '/nope?token=[redacted]&access_token=[redacted]',
    );
  });
});

describe('shutdown', () => {
  it('close() does not wait for a socket that never sent a byte, nor for an idle keep-alive one', async () => {
    const { server, port } = await startServer({ closeTimeoutMs: 10_000 });
    const silent = await connectRaw(port, framings.bytes());
    // A keep-alive socket that has had its /healthz answer and now sits idle between requests.
    const keepAlive = await connectRaw(port, framings.bytes());
    keepAlive.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const answer = await keepAlive.waitUntil(() => keepAlive.text() || undefined, 'the /healthz answer');
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    const t0 = Date.now();
    await server.close();
    await Promise.all([silent.waitClosed(), keepAlive.waitClosed()]);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});
