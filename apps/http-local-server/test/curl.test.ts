import { existsSync } from 'node:fs';
import { runTracked, scaled } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { startServer } from './helpers.js';

const CURL = ['/usr/bin/curl', '/usr/local/bin/curl', '/bin/curl'].find((p) => existsSync(p));
const REQUIRED = process.env.SOCKWORKS_REQUIRE_TOOLS === '1';

if (REQUIRED && CURL === undefined) {
  throw new Error('curl is required (SOCKWORKS_REQUIRE_TOOLS=1) but not installed: apt-get install -y curl');
}

/** curl's own limit (whole seconds), kept under the wait for it to exit. */
const CURL_MAX_SECONDS = String(Math.ceil(scaled(10_000) / 1000));

/** Runs curl and returns `-i` output (status line, headers, blank line, body) and its exit code. */
async function curl(args: string[]): Promise<{ code: number | null; out: string }> {
  const result = await runTracked(CURL ?? 'curl', ['-sS', '-i', '--max-time', CURL_MAX_SECONDS, ...args], {
    label: `curl ${args.join(' ')}`,
    timeoutMs: scaled(20_000),
  });
  return { code: result.code, out: result.stdout };
}

describe.skipIf(CURL === undefined)('curl', () => {
  describe.each(['tcp', 'unix'] as const)('over %s', (kind) => {
    const urlAndFlags = async (): Promise<string[]> => {
      const { address } = await startServer(kind);
      return address.kind === 'unix'
        ? ['--unix-socket', address.path, 'http://localhost/status']
        : [`http://${address.host}:${address.port}/status`];
    };

    it('GET: 200 running with the spec headers', async () => {
      const { code, out } = await curl(await urlAndFlags());
      expect(code).toBe(0);
      expect(out).toBe(
        'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\nConnection: close\r\n\r\nrunning',
      );
    });

    it('HEAD (-I): headers only', async () => {
      const { code, out } = await curl(['-I', ...(await urlAndFlags())]);
      expect(code).toBe(0);
      expect(out).toBe(
        'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\nConnection: close\r\n\r\n',
      );
    });

    it.each([
      ['POST', ['-d', 'a=1']],
      ['PUT', ['-X', 'PUT', '-d', 'x']],
      ['DELETE', ['-X', 'DELETE']],
    ])('%s: 405 with Allow', async (_method, flags) => {
      const { out } = await curl([...flags, ...(await urlAndFlags())]);
      expect(out).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
      expect(out).toContain('\r\nAllow: GET, HEAD\r\n');
      expect(out.endsWith('\r\n\r\nMethod not allowed')).toBe(true);
    });

    it('--fail turns 405 into curl exit 22', async () => {
      const { code } = await curl(['--fail', '-X', 'DELETE', ...(await urlAndFlags())]);
      expect(code).toBe(22);
    });
  });
});
