import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scaled, spawnTracked } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { KvClient, serverCli } from '../src/index.js';
import { RawClient, ServerProcess, startServer, tempDir, tempSocketPath, waitFor } from './helpers.js';

/** Leaves a socket file with no owner behind: a process listens on it and is SIGKILLed. */
async function staleSocket(path: string): Promise<void> {
  const child = spawnTracked(
    process.execPath,
    [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ],
    { label: 'a listener that kills itself' },
  );
  expect((await child.exited).signal).toBe('SIGKILL');
  expect(existsSync(path)).toBe(true);
}

// Child processes start through tsx: slow on a busy 2-core machine, so these get a generous timeout.
describe('the server process', { timeout: scaled(120_000) }, () => {
  it('--help lists every option with its default and env var, exit 0', async () => {
    const proc = ServerProcess.spawn(['--help']);
    expect(await proc.exited).toBe(0);
    expect(proc.stdout).toContain('/tmp/python_server.sock');
    for (const spec of Object.values(serverCli.spec.options)) {
      expect(proc.stdout).toContain(spec.flag);
      if (spec.env !== undefined) expect(proc.stdout).toContain(spec.env);
    }
    expect(proc.stdout).toContain('--output-stall-timeout');
  });

  it('a bad option is one line naming it, exit 2, no stack trace', async () => {
    const cases = [['--max-keys', 'lots'], ['--socket-mode', '999'], ['--fsync', 'sometimes'], ['--bogus']];
    const procs = cases.map((args) => ServerProcess.spawn(args));
    for (const [i, proc] of procs.entries()) {
      expect(await proc.exited).toBe(2);
      expect(proc.stderr).toContain(cases[i]![0]);
      expect(proc.stderr.trim().split('\n')).toHaveLength(1);
      expect(proc.stderr).not.toMatch(/\n\s+at /);
    }
    const fromEnv = ServerProcess.spawn([], { KV_MAX_LINE_BYTES: 'huge' });
    expect(await fromEnv.exited).toBe(2);
    expect(fromEnv.stderr).toContain('KV_MAX_LINE_BYTES');
  });

  it('starts over a stale socket file (path from KV_SOCKET_PATH)', async () => {
    const path = tempSocketPath();
    await staleSocket(path);
    // The path comes from the environment this time (KV_SOCKET_PATH).
    const proc = ServerProcess.spawn([], { KV_SOCKET_PATH: path });
    await proc.waitForLog('kv server started');
    const kv = await KvClient.connect(path);
    expect((await kv.ping()).status).toBe('ok');
    await kv.close();
  });

  it('refuses to start when a live server owns the socket, and leaves it alone', async () => {
    const { path } = await startServer();
    const proc = ServerProcess.spawn(['--socket', path]);
    expect(await proc.exited).toBe(1);
    expect(proc.stderr).toMatch(/in use/);
    const kv = await KvClient.connect(path);
    expect((await kv.ping()).status).toBe('ok');
    await kv.close();
  });

  it('refuses a regular file at the socket path and leaves the file alone', async () => {
    const path = join(tempDir(), 'not-a-socket');
    writeFileSync(path, 'precious');
    const proc = ServerProcess.spawn(['--socket', path]);
    expect(await proc.exited).toBe(1);
    expect(proc.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(path, 'utf8')).toBe('precious');
  });

  it('refuses a socket path over 107 bytes', async () => {
    const path = join(tempDir(), 'x'.repeat(120));
    const proc = ServerProcess.spawn(['--socket', path]);
    expect(await proc.exited).not.toBe(0);
    expect(proc.stderr).toMatch(/107|too long/);
  });

  it('SIGTERM: the in-flight request is answered, new connections refused, socket removed, exit 0', async () => {
    const path = tempSocketPath();
    const proc = ServerProcess.spawn(['--socket', path], { LOG_LEVEL: 'debug' });
    await proc.waitForLog('kv server started');
    const c = await RawClient.connect(path);
    c.write('{"command":"store","request_id":"one","data":{"key":"a","value":1}}\n{"command":"retrieve",');
    expect((await c.replies(1))[0]!.success).toBe(true);
    proc.child.kill('SIGTERM');
    await proc.waitForLog('shutting down');
    await expect(RawClient.connect(path)).rejects.toThrow();
    c.write('"request_id":"in-flight","data":{"key":"a"}}\n');
    const [reply] = await c.replies(1);
    expect(reply).toMatchObject({ request_id: 'in-flight', success: true, data: { key: 'a', value: 1 } });
    await c.waitClosed();
    expect(await proc.exited).toBe(0);
    expect(existsSync(path)).toBe(false);
    // Logging: start, connection, each command at debug, stop.
    for (const msg of [
      'kv server started',
      'client connected',
      'command',
      'client disconnected',
      'stopped',
    ]) {
      expect(proc.stdout).toContain(`"msg":"${msg}"`);
    }
  });

  it('SIGTERM right after a request is written still delivers its reply', async () => {
    const path = tempSocketPath();
    const proc = ServerProcess.spawn(['--socket', path]);
    await proc.waitForLog('kv server started');
    const c = await RawClient.connect(path);
    await c.request({ command: 'ping' });
    c.socket.write('{"command":"echo","request_id":"last","data":{"message":"bye"}}\n', () => {
      proc.child.kill('SIGTERM');
    });
    const [reply] = await c.replies(1);
    expect(reply).toMatchObject({ request_id: 'last', data: { echo: 'bye' } });
    expect(await proc.exited).toBe(0);
    expect(existsSync(path)).toBe(false);
  });

  it('--data-file: every acknowledged store survives kill -9 in the middle of a load', async () => {
    const dir = tempDir();
    const path = join(dir, 's.sock');
    const dataFile = join(dir, 'kv.log');
    const proc = ServerProcess.spawn(['--socket', path, '--data-file', dataFile]);
    await proc.waitForLog('kv server started');
    const acked = new Map<string, number>();
    const clients = await Promise.all([1, 2, 3].map(() => KvClient.connect(path)));
    let killed = false;
    const load = clients.map(async (kv, n) => {
      for (let i = 0; !killed; i++) {
        // A window of 32 pipelined stores per round trip.
        const batch = Array.from({ length: 32 }, (_, j) => {
          const key = `c${n}-${i}-${j}`;
          const value = i * 100 + j;
          return kv.store(key, { value, pad: 'p'.repeat(j * 10) }).then(
            () => {
              acked.set(key, value);
            },
            () => {},
          );
        });
        await Promise.all(batch);
      }
    });
    await waitFor(() => acked.size >= 3000, '3000 acknowledged stores', 20_000);
    proc.child.kill('SIGKILL');
    killed = true;
    await proc.exited;
    await Promise.all(load);
    expect(proc.signal).toBe('SIGKILL');

    const again = ServerProcess.spawn(['--socket', path, '--data-file', dataFile]);
    await again.waitForLog('kv server started');
    const kv = await KvClient.connect(path);
    const { count } = await kv.listKeys();
    expect(count).toBeGreaterThanOrEqual(acked.size);
    const results = await Promise.all([...acked.keys()].map((key) => kv.retrieve<{ value: number }>(key)));
    for (const { key, value } of results) expect(value.value).toBe(acked.get(key));
    await kv.close();
  });

  it('--data-file: a clean restart keeps the store', async () => {
    const dir = tempDir();
    const path = join(dir, 's.sock');
    const dataFile = join(dir, 'kv.log');
    const first = ServerProcess.spawn(['--socket', path, '--data-file', dataFile]);
    await first.waitForLog('kv server started');
    const kv = await KvClient.connect(path);
    await kv.store('__proto__', { safe: true });
    await kv.store('n', 1);
    await kv.delete('n');
    await kv.close();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const second = ServerProcess.spawn(['--socket', path, '--data-file', dataFile], { KV_FSYNC: 'always' });
    await second.waitForLog('kv server started');
    const kv2 = await KvClient.connect(path);
    expect(await kv2.listKeys()).toEqual({ keys: ['__proto__'], count: 1 });
    expect((await kv2.retrieve('__proto__')).value).toEqual({ safe: true });
    await kv2.close();
  });
});
