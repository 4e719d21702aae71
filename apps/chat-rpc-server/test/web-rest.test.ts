/**
 * The REST API and the HTTP side of the web listener, with curl (the README's examples) and fetch:
 * bearer sessions, each endpoint, errors with the socket's codes and fitting statuses, body limits,
 * security headers on every response, and the client's files with their types and ETags.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTracked, tempDir } from '@sockworks/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { V2Client } from './v2-client.js';
import { startWebStack, type WebStack } from './web-helpers.js';

const hasCurl = spawnSync('curl', ['--version']).status === 0;
if (!hasCurl && process.env.SOCKWORKS_REQUIRE_TOOLS === '1')
  throw new Error('curl is required (SOCKWORKS_REQUIRE_TOOLS=1) but not installed: apt-get install -y curl');

async function stack(webRoot?: string): Promise<WebStack> {
  // A bucket of 5 that (practically) never refills, so the rate-limit check does not depend on timing.
  const s = await startWebStack(webRoot, { rateBurst: 5, ratePerSecond: 0.001 });
  onTestFinished(() => s.close());
  return s;
}

/** A joined protocol-2 TCP user and its session token. */
async function joined(s: WebStack, name: string): Promise<{ client: V2Client; token: string }> {
  const client = await V2Client.connect(s.tcpPort, 'plain');
  const reply = await client.join(name, { protocol: 2 });
  return { client, token: String(reply.session) };
}

/** curl -s -i ...: status, lower-cased headers and the parsed JSON body. */
async function curl(
  args: string[],
): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
  const run = await runTracked('curl', ['-s', '-i', '--max-time', '20', ...args], {
    label: `curl ${args.join(' ')}`,
  });
  expect(run.code, run.stderr).toBe(0);
  const [head = '', ...rest] = run.stdout.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf(':');
    headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
  }
  const text = rest.join('\r\n\r\n');
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

describe.skipIf(!hasCurl)('the REST API with curl (skipped: curl not installed)', () => {
  it("posts as the session's user, reads history, lists users and rooms (the README's examples)", async () => {
    const s = await stack();
    const { token } = await joined(s, 'Alice');
    const bob = await joined(s, 'Bob');
    const api = `http://127.0.0.1:${s.webPort}/api`;
    const auth = ['-H', `Authorization: Bearer ${token}`];

    const posted = await curl([
      ...auth,
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"message":"hello from curl"}',
      `${api}/rooms/general/messages`,
    ]);
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({
      status: 'success',
      message: 'Message sent successfully',
      room: 'general',
    });
    const id = (posted.body as { id: string }).id;
    // The others get it as from Alice, live.
    expect(await bob.client.notificationMatching({ type: 'chat', username: 'Alice' })).toMatchObject({
      id,
      message: 'hello from curl',
    });

    const history = await curl([...auth, `${api}/rooms/general/history?limit=10`]);
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({ status: 'success', room: 'general', count: 1, has_more: false });
    expect((history.body as { messages: unknown[] }).messages).toEqual([
      expect.objectContaining({ id, username: 'Alice', message: 'hello from curl' }),
    ]);
    const before = await curl([...auth, `${api}/rooms/general/history?before=${encodeURIComponent(id)}`]);
    expect(before.body).toMatchObject({ messages: [], count: 0 });

    const users = await curl([...auth, `${api}/users`]);
    expect(users.status).toBe(200);
    expect(users.body).toMatchObject({ status: 'success', users: ['Alice', 'Bob'], count: 2 });
    const rooms = await curl([...auth, `${api}/rooms`]);
    expect(rooms.body).toMatchObject({
      status: 'success',
      rooms: [{ room: 'general', users: 2, joined: true }],
    });
  });

  it('answers 401 without a joined session, and errors with the socket codes and fitting statuses', async () => {
    const s = await stack();
    const { token } = await joined(s, 'Alice');
    const api = `http://127.0.0.1:${s.webPort}/api`;
    const auth = ['-H', `Authorization: Bearer ${token}`];
    const json = ['-H', 'Content-Type: application/json'];

    const none = await curl([`${api}/users`]);
    expect(none).toMatchObject({ status: 401, body: { status: 'error', code: 'AUTH_REQUIRED' } });
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(await curl(['-H', 'Authorization: Bearer nope', `${api}/users`])).toMatchObject({
      status: 401,
      body: { code: 'AUTH_INVALID' },
    });
    expect(await curl([...auth, `${api}/rooms/ops/history`])).toMatchObject({
      status: 403,
      body: { status: 'error', code: 'NOT_MEMBER' },
    });
    expect(await curl([...auth, `${api}/rooms/general/history?limit=0`])).toMatchObject({
      status: 400,
      body: { status: 'error', code: -32602 },
    });
    const post = (body: string, extra: string[] = json) =>
      curl([...auth, ...extra, '-d', body, `${api}/rooms/general/messages`]);
    expect(await post('{"message":""}')).toMatchObject({ status: 400, body: { code: 'INVALID_MESSAGE' } });
    expect(await post('{"message":')).toMatchObject({ status: 400, body: { code: 'INVALID_JSON' } });
    expect(await post('[1]')).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect(await post('{"message":"hi"}', ['-H', 'Content-Type: text/plain'])).toMatchObject({
      status: 415,
      body: { code: 'INVALID_REQUEST' },
    });
    expect(await post(JSON.stringify({ message: 'x'.repeat(9000) }))).toMatchObject({
      status: 413,
      body: { code: 'MESSAGE_TOO_LARGE' },
    });
    const wrong = await curl([...auth, '-X', 'DELETE', `${api}/users`]);
    expect(wrong).toMatchObject({ status: 405, body: { code: 'INVALID_REQUEST' } });
    expect(wrong.headers.allow).toBe('GET');
    expect(await curl([...auth, `${api}/nothing`])).toMatchObject({
      status: 404,
      body: { code: 'INVALID_REQUEST' },
    });
    // A request target that is no URL path at all.
    expect(await curl(['--path-as-is', `http://127.0.0.1:${s.webPort}//`])).toMatchObject({
      status: 400,
      body: { status: 'error', code: 'INVALID_REQUEST' },
    });
    // The user's rate limit applies to the API too: the bucket of 5 runs dry within 5 more posts.
    let limited: Awaited<ReturnType<typeof curl>> | undefined;
    for (let i = 0; i < 5 && limited === undefined; i++) {
      const res = await post(`{"message":"m${i}"}`);
      if (res.status !== 201) limited = res;
    }
    expect(limited).toMatchObject({ status: 429, body: { status: 'error', code: 'RATE_LIMITED' } });
  });
});

describe('the web listener over HTTP (fetch)', () => {
  it('serves the client with content types, revalidation and security headers on every response', async () => {
    const root = tempDir('chat-web-');
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(root, 'app.js'), 'console.log(1);');
    writeFileSync(join(root, 'app.css'), 'body{}');
    const s = await stack(root);
    const base = `http://127.0.0.1:${s.webPort}`;
    const types: Record<string, string> = {
      '/': 'text/html; charset=utf-8',
      '/app.js': 'text/javascript; charset=utf-8',
      '/app.css': 'text/css; charset=utf-8',
    };
    for (const [path, type] of Object.entries(types)) {
      const res = await fetch(base + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const etag = res.headers.get('etag') ?? '';
      await res.arrayBuffer();
      const again = await fetch(base + path, { headers: { 'If-None-Match': etag } });
      expect(again.status).toBe(304);
    }
    for (const [path, init, status] of [
      ['/', {}, 200],
      ['/app.js', { method: 'POST' }, 405],
      ['/missing', {}, 404],
      ['/ws', {}, 426],
      ['/api/users', {}, 401],
    ] as const) {
      const res = await fetch(base + path, init);
      await res.arrayBuffer();
      expect(res.status, path).toBe(status);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain(`connect-src 'self' ws://127.0.0.1:${s.webPort}`);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('access-control-allow-origin'), path).toBeNull();
    }
  });

  it('answers 503 for the page when the client is not built, and the API still works', async () => {
    const s = await stack(join(tempDir('chat-web-'), 'missing'));
    const { token } = await joined(s, 'Alice');
    const page = await fetch(`http://127.0.0.1:${s.webPort}/`);
    expect(page.status).toBe(503);
    expect(await page.json()).toMatchObject({ status: 'error', code: 'UNAVAILABLE' });
    const users = await fetch(`http://127.0.0.1:${s.webPort}/api/users`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(await users.json()).toMatchObject({ users: ['Alice'] });
  });
});
