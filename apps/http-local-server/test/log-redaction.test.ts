import { PassThrough } from 'node:stream';
import { createLogger } from '@sockworks/logging';
import { describe, expect, it } from 'vitest';
import { rawExchange, startServer } from './helpers.js';

describe('secrets in logs', () => {
  it('a rejected request is logged at debug without its ?token= value or Authorization header', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const logger = createLogger({ service: 't', level: 'trace', pretty: false, destination: out, env: {} });
    const { connectTo } = await startServer('tcp', { logger });
    const secretHeaders = 'Authorization: Bearer SECRET\r\nCookie: s=SECRET\r\n';
    // An invalid header name makes the parser reject the head; its raw bytes are logged as `input`.
    const bad = await rawExchange(
      connectTo,
      `GET /?token=SECRET&api_key=SECRET HTTP/1.1\r\nHost: x\r\n${secretHeaders}X A: b\r\n\r\n`,
    );
    expect(bad).toMatch(/^HTTP\/1\.1 400 /);
    const good = await rawExchange(
      connectTo,
      `GET /?token=SECRET HTTP/1.1\r\nHost: x\r\n${secretHeaders}\r\n`,
    );
    expect(good).toMatch(/^HTTP\/1\.1 200 /);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toContain('rejected request');
    expect(text).toContain('token=[redacted]');
    expect(text).not.toContain('SECRET');
  });
});
