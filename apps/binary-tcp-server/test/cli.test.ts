import type { OptionSpecs } from '@sockworks/service/cli';
import { openRawSocket } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { serverCli } from '../src/cli/server-options.js';
import { CLIENT_MODES, clientCli } from '../src/cli/tcp-client-options.js';
import { TcpClient } from '../src/index.js';
import { frame, RawClient } from './helpers.js';
import { run, startServerProcess, until } from './process-helpers.js';

/** Every option's flag, short flag and env var appear in the --help text. */
function expectHelpLists(help: string, options: OptionSpecs): void {
  for (const option of Object.values(options)) {
    for (const text of [option.flag, option.short, option.env]) {
      if (text !== undefined) expect(help, option.flag).toContain(text);
    }
  }
}

/** Runs `tcp-client performance` (no warm-up) against a fresh server process. */
async function runPerformanceMode(args: string[]): Promise<ReturnType<typeof run>> {
  const server = await startServerProcess();
  const host = ['--host', '127.0.0.1', '--port', String(server.port), '--warmup', '0'];
  return run('src/cli/tcp-client.ts', ['performance', ...host, ...args]);
}

describe('binary-tcp-server process', () => {
  it('--help lists every option with its env var and exits 0', async () => {
    const p = run('src/main.ts', ['--help']);
    expect(await p.exited).toBe(0);
    expectHelpLists(p.stdout(), serverCli.spec.options);
  });

  it('a bad flag or value prints one line and exits 2', async () => {
    const procs = [['--bogus'], ['--port', '70000'], ['--max-frame-bytes', 'lots']].map((args) =>
      run('src/main.ts', args),
    );
    const env = run('src/main.ts', [], { TCP_PORT: 'abc' });
    for (const p of [...procs, env]) {
      expect(await p.exited).toBe(2);
      expect(p.stderr().trim().split('\n')).toHaveLength(1);
      expect(p.stderr()).not.toMatch(/\n\s+at /);
    }
    expect(env.stderr()).toContain('TCP_PORT');
  });

  it('SIGTERM with a request in flight: the reply is delivered, new connections are refused, exit 0', async () => {
    const server = await startServerProcess();
    const c = await RawClient.connect(server.port);
    expect(await c.request({ type: 'ping' })).toMatchObject({ type: 'pong' });

    const request = frame({ type: 'echo', content: 'in flight' });
    await new Promise<void>((resolve) => c.socket.write(request.subarray(0, 10), () => resolve()));
    // A round trip on another connection, sent after the partial frame, makes sure the server has read it.
    const other = await RawClient.connect(server.port);
    expect(await other.request({ type: 'ping' })).toMatchObject({ type: 'pong' });

    server.child.kill('SIGTERM');
    await until(() => (server.stdout().includes('shutting down') ? true : undefined), 10_000, 'shutdown log');
    await expect(openRawSocket(server.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    c.write(request.subarray(10));
    const frames = await c.waitFrames(2);
    expect(frames[1]).toMatchObject({ type: 'echo_response', content: 'in flight' });
    await c.waitClosed();
    expect(await server.exited).toBe(0);
  });
});

describe('tcp-client process', () => {
  it('--help exits 0; a bad flag or unknown mode exits 2 with one line', async () => {
    const help = run('src/cli/tcp-client.ts', ['--help']);
    expect(await help.exited).toBe(0);
    for (const mode of CLIENT_MODES) expect(help.stdout()).toContain(mode);
    expectHelpLists(help.stdout(), clientCli.spec.options);
    const procs = [['--bogus'], ['fastmode'], ['performance', '--window', '0']].map((args) =>
      run('src/cli/tcp-client.ts', args),
    );
    for (const p of procs) {
      expect(await p.exited).toBe(2);
      expect(p.stderr().trim().split('\n')).toHaveLength(1);
    }
  });

  it('demo (the default mode) runs every message type and prints the replies', async () => {
    const server = await startServerProcess();
    const p = run('src/cli/tcp-client.ts', ['--host', '127.0.0.1', '--port', String(server.port)]);
    expect(await p.exited).toBe(0);
    const out = p.stdout();
    for (const text of [
      '"pong"',
      'round trip',
      '"echo_response"',
      '"broadcast_sent"',
      '"server_stats"',
      '"message_received"',
      'UNKNOWN_MESSAGE_TYPE',
    ]) {
      expect(out).toContain(text);
    }
  });

  it('demo against a server that is not there fails with one line and exit 1', async () => {
    const p = run('src/cli/tcp-client.ts', ['demo', '--host', '127.0.0.1', '--port', '1']);
    expect(await p.exited).toBe(1);
    expect(p.stderr().trim().split('\n')).toHaveLength(1);
  });

  it('interactive runs commands, sends plain text as a message and prints broadcasts as they arrive', async () => {
    const server = await startServerProcess();
    const p = run('src/cli/tcp-client.ts', [
      'interactive',
      '--host',
      '127.0.0.1',
      '--port',
      String(server.port),
    ]);
    await until(() => (p.stdout().includes('Connected') ? true : undefined), 10_000, 'interactive prompt');
    const other = new TcpClient({ host: '127.0.0.1', port: server.port });
    await other.connect();
    try {
      expect((await other.broadcast('hello interactive')).recipients).toBe(1);
      await until(
        () => (p.stdout().includes('[broadcast from') ? true : undefined),
        10_000,
        'broadcast printed',
      );
    } finally {
      await other.disconnect();
    }
    p.child.stdin?.write(
      '/ping\n/echo hi there\n/broadcast to nobody\n/stats\n/custom mystery {"a":1}\n/custom echo {"content":42}\njust text\n/nope\n/exit\n',
    );
    expect(await p.exited).toBe(0);
    const out = p.stdout();
    expect(out).toContain('[broadcast from 127.0.0.1:');
    expect(out).toContain('hello interactive');
    expect(out).toMatch(/pong: [\d.]+ ms/);
    expect(out).toContain('"content":"hi there"');
    expect(out).toContain('broadcast sent to 0 client(s)');
    expect(out).toContain('"type":"server_stats"');
    expect(out).toContain('error UNKNOWN_MESSAGE_TYPE');
    expect(out).toContain('"content":42');
    expect(out).toContain('"type":"message_received","content":"just text"');
    expect(out).toContain('unknown command /nope');
  });

  it('performance --json prints the numbers (structure only, never speed)', async () => {
    const p = await runPerformanceMode(['-c', '2', '-w', '4', '-d', '300ms', '-s', '32', '--json']);
    expect(await p.exited).toBe(0);
    const result = JSON.parse(p.stdout().trim());
    expect(result).toMatchObject({
      type: 'echo',
      connections: 2,
      window: 4,
      messageSize: 32,
      errors: 0,
      messages: expect.any(Number),
      msgPerSec: expect.any(Number),
      durationMs: expect.any(Number),
      latencyMs: {
        p50: expect.any(Number),
        p90: expect.any(Number),
        p99: expect.any(Number),
        max: expect.any(Number),
        mean: expect.any(Number),
      },
    });
    expect(result.messages).toBeGreaterThan(0);
    expect(result.latencyMs.p99).toBeGreaterThanOrEqual(result.latencyMs.p50);
  });

  it('performance prints a summary with msg/s and p50/p99 and progress lines', async () => {
    const p = await runPerformanceMode(['-c', '1', '-w', '2', '-d', '1200ms', '--type', 'ping']);
    expect(await p.exited).toBe(0);
    expect(p.stdout()).toMatch(/throughput: [\d,]+ msg\/s/);
    expect(p.stdout()).toMatch(/p50 [\d.]+ {2}p90 [\d.]+ {2}p99 [\d.]+/);
    expect(p.stderr()).toMatch(/\[measure [\d.]+s\] [\d,]+ msg\/s/);
  });
});
