import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnTracked, type TrackedProcess, tsxArgs } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { RawClient, startServer } from './helpers.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs src/main.ts with `args`; its process group dies with the test. */
function spawnServer(args: string[], env: NodeJS.ProcessEnv = {}): TrackedProcess {
  return spawnTracked(process.execPath, tsxArgs('src/main.ts', ...args), {
    cwd: appDir,
    env: { ...process.env, LOG_PRETTY: '0', ...env },
    label: ['chat-rpc-server', ...args].join(' '),
  });
}

/** Starts src/main.ts as a child process; resolves with it and its port once it logs "listening". */
async function startProcess(
  args: string[],
): Promise<{ child: ChildProcess; proc: TrackedProcess; port: number; stderr: () => string }> {
  const proc = spawnServer(args, { LOG_LEVEL: 'info' });
  const listening = await proc.waitForLogLine(
    (entry) => entry.msg === 'listening' && typeof entry.address === 'string',
    '"listening"',
  );
  const port = Number(String(listening.address).split(':').pop());
  return { child: proc.child, proc, port, stderr: () => proc.stderr() };
}

describe('the server process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s: connected users get "Server is shutting down", then the process exits 0',
    async (signal) => {
      const { child, proc, port } = await startProcess(['--port', '0']);
      const joined = await RawClient.connect(port);
      const lurker = await RawClient.connect(port);
      await joined.join('Alice');
      expect(await lurker.request({ method: 'get_users' })).toMatchObject({ users: ['Alice'] });
      child.kill(signal);
      const notice = { type: 'system', message: 'Server is shutting down', username: 'SYSTEM' };
      expect(await joined.next()).toEqual(notice);
      expect(await lurker.next()).toEqual(notice);
      await Promise.all([joined.waitClosed(), lurker.waitClosed()]);
      const { code, signal: exitSignal } = await proc.exited;
      expect({ code, exitSignal }).toEqual({ code: 0, exitSignal: null });
    },
  );

  it('SIGTERM: a request half received when the signal arrives is answered before the goodbye', async () => {
    const { child, proc, port } = await startProcess(['--port', '0']);
    const writer = await RawClient.connect(port);
    const lurker = await RawClient.connect(port);
    expect(await lurker.request({ method: 'get_users' })).toMatchObject({ count: 0 });
    writer.write('{"method":"get_users",');
    child.kill('SIGTERM');
    const notice = { type: 'system', message: 'Server is shutting down', username: 'SYSTEM' };
    // The lurker's notice shows that shutdown has begun; the rest of the request comes after it.
    expect(await lurker.next()).toEqual(notice);
    await new Promise((resolve) => setTimeout(resolve, 20));
    writer.write('"params":{}}');
    expect(await writer.next()).toEqual({ status: 'success', users: [], count: 0 });
    expect(await writer.next()).toEqual(notice);
    await writer.waitClosed();
    const { code, signal: exitSignal } = await proc.exited;
    expect({ code, exitSignal }).toEqual({ code: 0, exitSignal: null });
  });

  it('a port in use: one line naming the address, exit code 1, no stack trace', async () => {
    const { port } = await startServer();
    const child = spawnServer(['--port', String(port)]);
    const { code } = await child.exited;
    expect(code).toBe(1);
    const err = child.stderr();
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^chat-rpc-server: .*in use/);
    expect(lines[0]).toContain(String(port));
  });

  it('bad configuration: one line naming the option, exit code 2', async () => {
    const child = spawnServer(['--duplicate-names', 'maybe']);
    const { code } = await child.exited;
    expect(code).toBe(2);
    const err = child.stderr();
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('--duplicate-names');
  });
});
