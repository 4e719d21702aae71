import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scaled } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { openRaw, startServer, upgradeStatus, waitFor } from './helpers.js';
import { type Child, jsonLines, runEntry, tempDir } from './process-helpers.js';

/** Starts the server on a free port in `cwd` and resolves with its URL once it logged readiness. */
async function startProcess(cwd: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}) {
  const child = runEntry('main.ts', ['--host', '127.0.0.1', '--port', '0', ...args], { cwd, env });
  let url = '';
  await waitFor(
    () => {
      const started = jsonLines(child.stdout()).find((l) =>
        String(l.msg).startsWith('Server started successfully'),
      );
      if (started) url = String(started.url);
      return started !== undefined || child.proc.exitCode !== null;
    },
    45_000,
    'the server to start',
  );
  if (!url) throw new Error(`server did not start: ${child.stderr()}`);
  return { child, url };
}

function logFileLines(path: string): Array<Record<string, unknown>> {
  return existsSync(path) ? jsonLines(readFileSync(path, 'utf8')) : [];
}

// Child processes compile TypeScript on start; on a busy two-core machine that takes seconds.
describe('the server process', { timeout: scaled(90_000) }, () => {
  it('logs as the spec shows, to stdout and to logs/server.log under the cwd (directory created)', async () => {
    const cwd = tempDir();
    const { child, url } = await startProcess(cwd);
    expect(jsonLines(child.stdout()).map((l) => l.msg)).toContain(
      'Starting WebSocket JSON-RPC server on 127.0.0.1:0/ws',
    );
    const raw = await openRaw(url);
    expect(await raw.request('{"jsonrpc":"2.0","method":"ping","id":1}')).toMatchObject({ result: 'pong' });
    raw.ws.close();
    const file = join(cwd, 'logs', 'server.log');
    const expected = [
      'Client connected: ',
      'Received from ',
      'Ping method called',
      'Sending to ',
      'Client disconnected: ',
    ];
    await waitFor(
      () => expected.every((m) => logFileLines(file).some((l) => String(l.msg).startsWith(m))),
      10_000,
      'the log file lines',
    );
    const lines = logFileLines(file);
    const connected = lines.find((l) => String(l.msg).startsWith('Client connected: '));
    expect(connected?.msg).toMatch(/^Client connected: 127\.0\.0\.1:\d+ \(Total clients: 1\)$/);
    expect(lines.find((l) => String(l.msg).startsWith('Received from '))?.input).toBe(
      '{"jsonrpc":"2.0","method":"ping","id":1}',
    );
    const sent = lines.find((l) => String(l.msg).startsWith('Sending to '))?.output;
    expect(JSON.parse(String(sent))).toEqual({ jsonrpc: '2.0', result: 'pong', id: 1 });
    expect(lines.find((l) => String(l.msg).startsWith('Client disconnected: '))?.msg).toMatch(
      /\(Total clients: 0\)$/,
    );
    // stdout gets the same lines
    await waitFor(
      () => jsonLines(child.stdout()).some((l) => l.msg === 'Ping method called'),
      5000,
      'stdout',
    );
  });

  it('--log-file points elsewhere; --message-log-level debug keeps message lines out at info', async () => {
    const cwd = tempDir();
    const { url } = await startProcess(cwd, [
      '--log-file',
      'other/dir/x.log',
      '--message-log-level',
      'debug',
    ]);
    const raw = await openRaw(url);
    await raw.request('{"jsonrpc":"2.0","method":"ping","id":1}');
    raw.ws.close();
    const file = join(cwd, 'other', 'dir', 'x.log');
    await waitFor(
      () => logFileLines(file).some((l) => String(l.msg).startsWith('Client disconnected')),
      10_000,
      'the disconnect line',
    );
    expect(logFileLines(file).some((l) => String(l.msg).startsWith('Received from'))).toBe(false);
    expect(existsSync(join(cwd, 'logs'))).toBe(false);
  });

  it('SIGTERM closes every client with 1001 and exits 0', async () => {
    const cwd = tempDir();
    const { child, url } = await startProcess(cwd);
    const a = await openRaw(url);
    const b = await openRaw(url);
    child.proc.kill('SIGTERM');
    expect((await a.closed).code).toBe(1001);
    expect((await b.closed).code).toBe(1001);
    expect(await child.exited).toEqual({ code: 0, signal: null });
  });

  it('WS_PATH and the other env vars configure it; SIGINT with no clients exits 0', async () => {
    const { child, url } = await startProcess(tempDir(), [], { WS_PATH: '/cam', WS_LOG_FILE: 'none' });
    expect(url).toMatch(/\/cam$/);
    expect(await upgradeStatus(url)).toBe(101);
    child.proc.kill('SIGINT');
    expect((await child.exited).code).toBe(0);
  });
});

describe('command lines', { timeout: scaled(60_000) }, () => {
  async function run(
    entry: string,
    args: string[],
    env: NodeJS.ProcessEnv = {},
  ): Promise<Child & { code: number | null }> {
    const child = runEntry(entry, args, { cwd: tempDir(), env });
    const { code } = await child.exited;
    return { ...child, code };
  }

  it('server --help lists every option with its env var and exits 0', async () => {
    const r = await run('main.ts', ['--help']);
    expect(r.code).toBe(0);
    for (const s of [
      '--host',
      'WS_HOST',
      '--port',
      'WS_PORT',
      '8002',
      '--path',
      'WS_PATH',
      '--log-file',
      'logs/server.log',
    ]) {
      expect(r.stdout()).toContain(s);
    }
    for (const s of [
      '--max-payload',
      '--max-buffered',
      '--max-connections',
      '--heartbeat-interval',
      '--auth-token',
    ]) {
      expect(r.stdout()).toContain(s);
    }
  });

  it('a bad flag or env value is one line on stderr and exit 2', async () => {
    const [bad, port, path, timeouts] = await Promise.all([
      run('main.ts', ['--bogus']),
      run('main.ts', [], { WS_PORT: 'eighty' }),
      run('main.ts', ['--path', 'ws']),
      run('main.ts', ['--headers-timeout', '5s', '--request-timeout', '1s']),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr().trim().split('\n')).toHaveLength(1);
    expect(bad.stderr()).toContain('--bogus');
    expect(port.code).toBe(2);
    expect(port.stderr()).toContain('WS_PORT');
    expect(path.code).toBe(2);
    expect(path.stderr()).toContain('--path');
    expect(timeouts.code).toBe(2);
    expect(timeouts.stderr().trim().split('\n')).toHaveLength(1);
    expect(timeouts.stderr()).toContain('--headers-timeout');
  });

  it('a port in use is one line on stderr, no start-up log line, and exit 1', async () => {
    const { port } = await startServer();
    const r = await run('main.ts', ['--host', '127.0.0.1', '--port', String(port), '--log-file', 'none']);
    expect(r.code).toBe(1);
    expect(r.stderr().trim().split('\n')).toEqual([
      `ws-jsonrpc-camera-skeleton: address 127.0.0.1:${port} is already in use`,
    ]);
    expect(r.stdout()).not.toContain('Starting WebSocket JSON-RPC server');
  });

  it('ws-test-client: the full suite prints the spec lines and exits 0', async () => {
    const { url } = await startServer();
    const r = await run('cli/ws-test-client.ts', ['--url', url, '--threshold-ms', '10000']);
    expect(r.code).toBe(0);
    const out = r.stdout();
    expect(out).toMatch(/^✅ Ping test passed! Response: 'pong' in \d+\.\d\d ms$/m);
    expect(out).toMatch(/^✅ Response time \(\d+\.\d\d ms\) is within 10000ms threshold$/m);
    expect(out).toContain(
      "✅ Invalid method test passed! Got expected error: {'code': -32601, 'message': 'Method not found: invalid_method'}",
    );
    expect(out).toContain(
      "✅ Malformed JSON test passed! Got expected parse error: {'code': -32700, 'message': 'Parse error'}",
    );
    expect(out).toContain('🎉 All tests passed!');
  });

  it('ws-test-client --simple runs the ping checks only', async () => {
    const { url } = await startServer();
    const r = await run('cli/ws-test-client.ts', ['--simple', '--threshold-ms', '10000'], { WS_URL: url });
    expect(r.code).toBe(0);
    expect(r.stdout()).toMatch(/^✅ Ping test passed!/m);
    expect(r.stdout()).not.toContain('Invalid method');
    expect(r.stdout()).toContain('🎉 All tests passed!');
  });

  it('ws-test-client exits 1 when the server is unreachable, 2 on a bad flag, 0 on --help', async () => {
    const { url, server } = await startServer();
    await server.close();
    const [down, bad, help] = await Promise.all([
      run('cli/ws-test-client.ts', ['--url', url]),
      run('cli/ws-test-client.ts', ['--nope']),
      run('cli/ws-test-client.ts', ['--help']),
    ]);
    expect(down.code).toBe(1);
    expect(down.stdout()).toContain('❌ Could not connect');
    expect(bad.code).toBe(2);
    expect(help.code).toBe(0);
    expect(help.stdout()).toContain('--simple');
  });
});
