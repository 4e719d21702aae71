import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { silentLogger } from '@sockworks/logging';
import { ConfigError } from '@sockworks/service';
import { connectionsReach } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { pyRepr } from '../src/cli/py-repr.js';
import { parseOriginList } from '../src/cli/server-options.js';
import { runTestSuite } from '../src/cli/test-suite.js';
import { WsConnectionContext } from '../src/server/connection-context.js';
import { defineRpcMethod } from '../src/server/methods/define.js';
import { methods } from '../src/server/methods/index.js';
import { createWsRpcServer } from '../src/server/server.js';
import { bearerMatches, checkUpgrade, pathnameOf } from '../src/server/upgrade-gate.js';
import { captureLogger } from './capture-logger.js';
import { openRaw, startServer, waitFor } from './helpers.js';

function req(url: string, headers: Record<string, string> = {}): IncomingMessage {
  return { url, headers } as unknown as IncomingMessage;
}

describe('upgrade gate', () => {
  const open = { path: '/ws', authToken: undefined, allowedOrigins: new Set<string>() };
  const idle = { closing: false, full: false };

  it('checks path, shutdown, origin, token and capacity in that order', () => {
    expect(checkUpgrade(req('/ws'), open, idle)).toBeNull();
    expect(checkUpgrade(req('/ws?x=1'), open, idle)).toBeNull();
    expect(checkUpgrade(req('/wsx'), open, idle)?.status).toBe(404);
    expect(checkUpgrade(req('/other'), open, { closing: true, full: true })?.status).toBe(404);
    expect(checkUpgrade(req('/ws'), open, { closing: true, full: false })?.status).toBe(503);
    expect(checkUpgrade(req('/ws'), open, { closing: false, full: true })?.status).toBe(503);
    const strict = { path: '/ws', authToken: 'tok', allowedOrigins: new Set(['https://a.example']) };
    expect(checkUpgrade(req('/ws', { origin: 'https://b.example' }), strict, idle)?.status).toBe(403);
    expect(checkUpgrade(req('/ws', { origin: 'https://a.example' }), strict, idle)?.status).toBe(401);
    expect(checkUpgrade(req('/ws', { authorization: 'Bearer tok' }), strict, idle)).toBeNull();
    expect(
      checkUpgrade(req('/ws', { authorization: 'Bearer tok' }), strict, { closing: false, full: true })
        ?.status,
    ).toBe(503);
  });

  it('bearer tokens compare exactly', () => {
    expect(bearerMatches('Bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('Bearer abcd', 'abc')).toBe(false);
    expect(bearerMatches('Bearer ', 'abc')).toBe(false);
    expect(bearerMatches('Basic abc', 'abc')).toBe(false);
    expect(bearerMatches(undefined, 'abc')).toBe(false);
  });

  it('pathnameOf strips the query', () => {
    expect(pathnameOf('/ws?a=b')).toBe('/ws');
    expect(pathnameOf(undefined)).toBe('/');
  });

  it('origin lists are split on commas', () => {
    expect(parseOriginList(' https://a.example , ,https://b.example')).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(parseOriginList(undefined)).toEqual([]);
  });
});

describe('WsConnectionContext', () => {
  it('a remote first asked after the socket is gone is "unknown", not a made-up address', () => {
    const ctx = new WsConnectionContext(7, new Socket(), silentLogger());
    expect(ctx.remote).toBe('unknown');
    expect(ctx.connectionId).toBe(7);
    expect(ctx.logger).toBe(ctx.logger); // one child, created once
    expect(ctx.logger.bindings()).toMatchObject({ conn: 7, remote: 'unknown' });
  });
});

describe('pyRepr', () => {
  it("prints values like Python's repr()", () => {
    expect(pyRepr({ code: -32601, message: 'Method not found: invalid_method' })).toBe(
      "{'code': -32601, 'message': 'Method not found: invalid_method'}",
    );
    expect(pyRepr(['a', 1, true, null])).toBe("['a', 1, True, None]");
    expect(pyRepr("it's")).toBe('"it\'s"');
    expect(pyRepr('a\nb')).toBe("'a\\nb'");
  });
});

describe('server options', () => {
  it('invalid options are rejected at construction, naming the option', () => {
    // Options errors are ConfigErrors (INVALID_CONFIG), as in every other app: exit 2 under runService.
    expect(() => createWsRpcServer({ maxPayload: 0 })).toThrow(ConfigError);
    expect(() => createWsRpcServer({ maxPayload: 0 })).toThrow(/maxPayload/);
    expect(() => createWsRpcServer({ path: 'ws' })).toThrow(/path/);
    expect(() => createWsRpcServer({ heartbeatIntervalMs: -1 })).toThrow(/heartbeatIntervalMs/);
    expect(() => createWsRpcServer({ authToken: '' })).toThrow(/authToken/);
    expect(() => createWsRpcServer({ timeoutCheckIntervalMs: 0 })).toThrow(/timeoutCheckIntervalMs/);
    expect(() => createWsRpcServer({ headersTimeoutMs: 5000, requestTimeoutMs: 1000 })).toThrow(
      /headersTimeoutMs.*requestTimeoutMs/,
    );
  });

  it('long messages are truncated in the log, under their own key', async () => {
    const capture = captureLogger('info');
    const { url } = await startServer({ logger: capture.logger, logMaxChars: 40 });
    const raw = await openRaw(url);
    const id = 'z'.repeat(500);
    await raw.request(`{"jsonrpc":"2.0","method":"ping","id":"${id}"}`);
    await waitFor(
      () => capture.lines().some((l) => String(l.msg).startsWith('Sending to')),
      5000,
      'the log line',
    );
    const received = capture.lines().find((l) => String(l.msg).startsWith('Received from'));
    expect(String(received?.input).length).toBeLessThan(80);
    expect(String(received?.input)).toContain('…');
    expect(received?.conn).toBe(1);
  });

  it('every method call is logged at the message level, rpc.discover included', async () => {
    const capture = captureLogger('info');
    const { url } = await startServer({ logger: capture.logger });
    const raw = await openRaw(url);
    await raw.request('{"jsonrpc":"2.0","method":"ping","id":1}');
    await raw.request('{"jsonrpc":"2.0","method":"rpc.discover","id":2}');
    const calls = capture.lines().filter((l) => String(l.msg).endsWith(' method called'));
    expect(calls.map((l) => [l.msg, l.method, l.level, l.conn])).toEqual([
      ['Ping method called', 'ping', 'info', 1],
      ['Rpc.discover method called', 'rpc.discover', 'info', 1],
    ]);
  });

  it('messageLogLevel silent logs no per-message lines but still the connection lines', async () => {
    const capture = captureLogger('info');
    const { url, server } = await startServer({ logger: capture.logger, messageLogLevel: 'silent' });
    const raw = await openRaw(url);
    await raw.request('{"jsonrpc":"2.0","method":"ping","id":1}');
    raw.ws.close();
    await connectionsReach(server, 0, 'the disconnect');
    const msgs = capture.lines().map((l) => String(l.msg));
    expect(msgs.some((m) => m.startsWith('Client connected'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('Client disconnected'))).toBe(true);
    expect(
      msgs.some((m) => m.startsWith('Received') || m.startsWith('Sending') || m.includes('method called')),
    ).toBe(false);
  });
});

describe('runTestSuite', () => {
  it('simple mode runs the ping checks only', async () => {
    const { url } = await startServer();
    const lines: string[] = [];
    expect(await runTestSuite({ url, simple: true, thresholdMs: 10_000, print: (l) => lines.push(l) })).toBe(
      true,
    );
    expect(lines.filter((l) => l.startsWith('✅'))).toHaveLength(2);
    expect(lines.join('\n')).not.toContain('Invalid method');
    expect(lines.at(-1)).toBe('🎉 All tests passed!');
  });

  it('reports a failure and returns false when ping does not answer "pong"', async () => {
    const ping = defineRpcMethod({ handler: () => 'nope' });
    const { url } = await startServer({ methods: { ...methods, ping } });
    const lines: string[] = [];
    const passed = await runTestSuite({ url, thresholdMs: 10_000, print: (l) => lines.push(l) });
    expect(passed).toBe(false);
    expect(lines[0]).toBe("❌ Ping test failed! Expected 'pong', got: 'nope'");
    expect(lines).toContain('❌ Some tests failed.');
  });
});
