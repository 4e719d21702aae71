import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { normalizeOrigin, originAllowed, parseOrigins } from '../src/server/web/origin.js';

/** Only the headers the check reads. */
function upgrade(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

describe('the Origin check of WebSocket upgrades', () => {
  it('normalises origins (case, default ports) and refuses what is not http(s)', () => {
    expect(normalizeOrigin('HTTPS://Chat.Example.COM:443')).toBe('https://chat.example.com');
    expect(normalizeOrigin('http://127.0.0.1:8090')).toBe('http://127.0.0.1:8090');
    expect(normalizeOrigin('null')).toBeUndefined();
    expect(normalizeOrigin('file:///tmp/x.html')).toBeUndefined();
    expect(parseOrigins(' https://a.example , http://b.example:81,')).toEqual([
      'https://a.example',
      'http://b.example:81',
    ]);
    expect(() => parseOrigins('ftp://x')).toThrow('not an http(s) origin: "ftp://x"');
  });

  it("by default allows the server's own origin only: the Origin's host and port are the Host header", () => {
    const none: string[] = [];
    expect(originAllowed(upgrade({ host: '127.0.0.1:8090', origin: 'http://127.0.0.1:8090' }), none)).toBe(
      true,
    );
    expect(originAllowed(upgrade({ host: 'chat.example', origin: 'http://chat.example:80' }), none)).toBe(
      true,
    );
    expect(originAllowed(upgrade({ host: 'chat.example:443', origin: 'https://chat.example' }), none)).toBe(
      true,
    );
    expect(originAllowed(upgrade({ host: '127.0.0.1:8090', origin: 'http://127.0.0.1:8091' }), none)).toBe(
      false,
    );
    expect(originAllowed(upgrade({ host: '127.0.0.1:8090', origin: 'http://evil.example' }), none)).toBe(
      false,
    );
    expect(originAllowed(upgrade({ host: '127.0.0.1:8090', origin: 'null' }), none)).toBe(false);
    expect(originAllowed(upgrade({ origin: 'http://127.0.0.1:8090' }), none)).toBe(false);
    // Not a browser: nothing to protect against.
    expect(originAllowed(upgrade({ host: '127.0.0.1:8090' }), none)).toBe(true);
  });

  it('with --web-origins allows exactly the listed origins', () => {
    const list = parseOrigins('https://chat.example.com');
    expect(originAllowed(upgrade({ host: 'x', origin: 'https://CHAT.example.com' }), list)).toBe(true);
    expect(originAllowed(upgrade({ host: '127.0.0.1:8090', origin: 'http://127.0.0.1:8090' }), list)).toBe(
      false,
    );
  });
});
