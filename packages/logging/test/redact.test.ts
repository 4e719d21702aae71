import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createLogger,
  isSecretParam,
  REDACTED,
  redactHeaders,
  redactHttpText,
  redactUrl,
  SECRET_PARAM_NAMES,
} from '../src/index.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('redactUrl', () => {
  it.each([
    ['/ws?token=SECRET', `/ws?token=${REDACTED}`],
    ['/ws?a=1&TOKEN=SECRET&b=2', `/ws?a=1&TOKEN=${REDACTED}&b=2`],
    ['/x?access_token=SECRET#frag', `/x?access_token=${REDACTED}#frag`],
    ['/x?api_key=SECRET;apikey=SECRET', `/x?api_key=${REDACTED};apikey=${REDACTED}`],
    ['/x?X-Amz-Signature=SECRET&x=1', `/x?X-Amz-Signature=${REDACTED}&x=1`],
    ['/x?clientSecret=SECRET', `/x?clientSecret=${REDACTED}`],
    ['/x?%74oken=SECRET', `/x?%74oken=${REDACTED}`],
    ['/x?password=SECRET&key=SECRET&auth=SECRET', `/x?password=${REDACTED}&key=${REDACTED}&auth=${REDACTED}`],
    ['http://user:SECRET@host/p?q=1', `http://user:${REDACTED}@host/p?q=1`],
    ['/plain/path', '/plain/path'],
    ['/x?page=2&sort=name', '/x?page=2&sort=name'],
    ['/x?token=', `/x?token=${REDACTED}`],
  ])('%s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
    expect(redactUrl(input).includes('SECRET')).toBe(false);
  });

  it('every documented name is secret in any case', () => {
    for (const name of SECRET_PARAM_NAMES) {
      expect(isSecretParam(name)).toBe(true);
      expect(isSecretParam(name.toUpperCase())).toBe(true);
    }
    expect(isSecretParam('page')).toBe(false);
  });
});

describe('redactHttpText and redactHeaders', () => {
  it('redacts the request line and secret header lines of a raw request, also cut short', () => {
    const raw =
      'GET /ws?token=SECRET HTTP/1.1\r\nHost: x\r\nauthorization: Bearer SECRET\r\nCookie: s=SECRET\r\nX-Api-Key:SECRET\r\n\r\n';
    const out = redactHttpText(raw);
    expect(out).not.toContain('SECRET');
    expect(out).toContain('Host: x\r\n');
    expect(out).toContain(`authorization: ${REDACTED}\r\n`);
    expect(redactHttpText('GET / HTTP/1.1\r\nAuthorization: Bearer SEC')).not.toContain('SEC');
  });

  it('copies header objects with secret values replaced', () => {
    const headers = { host: 'x', authorization: 'Bearer SECRET', 'proxy-authorization': 'Basic SECRET' };
    expect(redactHeaders(headers)).toEqual({
      host: 'x',
      authorization: REDACTED,
      'proxy-authorization': REDACTED,
    });
    expect(headers.authorization).toBe('Bearer SECRET');
  });
});

describe('createLogger redacts URL fields', () => {
  it('url, path, target, input and output keep their text without the secrets', () => {
    const out = capture();
    const log = createLogger({ service: 's', destination: out.stream, pretty: false, env: {} });
    log.info(
      {
        url: 'ws://h/ws?token=SECRET',
        path: '/ws?a=1&access_token=SECRET',
        target: '/x?api_key=SECRET',
        input: 'GET /?token=SECRET HTTP/1.1\r\nAuthorization: Bearer SECRET\r\n',
        output: '{"u":"/x?password=SECRET"}',
        req: { url: '/r?token=SECRET', headers: { authorization: 'Bearer SECRET', cookie: 'SECRET' } },
        headers: { 'x-api-key': 'SECRET' },
        access_token: 'SECRET',
        socket: '/tmp/kv.sock',
      },
      'line',
    );
    const text = out.text();
    expect(text).not.toContain('SECRET');
    const line = JSON.parse(text) as Record<string, unknown>;
    expect(line.path).toBe(`/ws?a=1&access_token=${REDACTED}`);
    expect(line.socket).toBe('/tmp/kv.sock');
  });
});
