import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startServer } from './helpers.js';

const CURL = ['/usr/bin/curl', '/usr/local/bin/curl', '/bin/curl'].find((p) => existsSync(p));
const REQUIRED = process.env.SOCKWORKS_REQUIRE_TOOLS === '1';

if (REQUIRED && CURL === undefined) {
  throw new Error('curl is required (SOCKWORKS_REQUIRE_TOOLS=1) but not installed: apt-get install -y curl');
}

/** Runs curl and returns `-i` output (status line, headers, blank line, body) and its exit code. */
function curl(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(CURL ?? 'curl', ['-sS', '-i', '--max-time', '5', ...args], (err, stdout) => {
      const code = err && typeof err.code === 'number' ? err.code : 0;
      resolve({ code, out: stdout });
    });
  });
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
