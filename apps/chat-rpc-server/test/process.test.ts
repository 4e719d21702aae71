import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RawClient, startServer } from './helpers.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));

/** Starts src/main.ts as a child process; resolves with it and its port once it logs "listening". */
async function startProcess(
  args: string[],
): Promise<{ child: ChildProcess; port: number; stderr: () => string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=sockworks-source', '--import', 'tsx', 'src/main.ts', ...args],
    {
      cwd: appDir,
      env: { ...process.env, LOG_PRETTY: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (t: string) => {
    err += t;
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (t: string) => {
      out += t;
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as { msg?: string; address?: string };
          if (entry.msg === 'listening' && entry.address) resolve(Number(entry.address.split(':').pop()));
        } catch {
          // a partial line; wait for the rest
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
  return { child, port, stderr: () => err };
}

describe('the server process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s: connected users get "Server is shutting down", then the process exits 0',
    async (signal) => {
      const { child, port } = await startProcess(['--port', '0']);
      const joined = await RawClient.connect(port);
      const lurker = await RawClient.connect(port);
      await joined.join('Alice');
      expect(await lurker.request({ method: 'get_users' })).toMatchObject({ users: ['Alice'] });
      const exited = once(child, 'exit');
      child.kill(signal);
      const notice = { type: 'system', message: 'Server is shutting down', username: 'SYSTEM' };
      expect(await joined.next()).toEqual(notice);
      expect(await lurker.next()).toEqual(notice);
      await Promise.all([joined.waitClosed(), lurker.waitClosed()]);
      const [code, exitSignal] = await exited;
      expect({ code, exitSignal }).toEqual({ code: 0, exitSignal: null });
    },
  );

  it('SIGTERM: a request half received when the signal arrives is answered before the goodbye', async () => {
    const { child, port } = await startProcess(['--port', '0']);
    const writer = await RawClient.connect(port);
    const lurker = await RawClient.connect(port);
    expect(await lurker.request({ method: 'get_users' })).toMatchObject({ count: 0 });
    writer.write('{"method":"get_users",');
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const notice = { type: 'system', message: 'Server is shutting down', username: 'SYSTEM' };
    // The lurker's notice shows that shutdown has begun; the rest of the request comes after it.
    expect(await lurker.next()).toEqual(notice);
    await new Promise((resolve) => setTimeout(resolve, 20));
    writer.write('"params":{}}');
    expect(await writer.next()).toEqual({ status: 'success', users: [], count: 0 });
    expect(await writer.next()).toEqual(notice);
    await writer.waitClosed();
    const [code, exitSignal] = await exited;
    expect({ code, exitSignal }).toEqual({ code: 0, exitSignal: null });
  });

  it('a port in use: one line naming the address, exit code 1, no stack trace', async () => {
    const { port } = await startServer();
    const child = spawn(
      process.execPath,
      ['--conditions=sockworks-source', '--import', 'tsx', 'src/main.ts', '--port', String(port)],
      { cwd: appDir, env: { ...process.env, LOG_PRETTY: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      err += t;
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^chat-rpc-server: .*in use/);
    expect(lines[0]).toContain(String(port));
  });

  it('bad configuration: one line naming the option, exit code 2', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=sockworks-source', '--import', 'tsx', 'src/main.ts', '--duplicate-names', 'maybe'],
      { cwd: appDir, env: { ...process.env, LOG_PRETTY: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      err += t;
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('--duplicate-names');
  });
});
