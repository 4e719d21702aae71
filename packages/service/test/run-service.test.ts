import type { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTracked, tsxArgs } from '@sockworks/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listen } from '../src/index.js';
import { connectTo, readAll, readUntil, tempSocketPath } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(here);

interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with how it ended; rejects naming the fixture if it does not exit within its deadline. */
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first JSON log line whose msg is `msg`. */
  log(msg: string): Promise<Record<string, unknown>>;
}

function run(fixture: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const tracked = spawnTracked(process.execPath, tsxArgs(join(here, 'fixtures', fixture), ...args), {
    cwd: packageDir,
    env: { ...process.env, LOG_LEVEL: 'info', LOG_PRETTY: '0', ...env },
    label: [fixture, ...args].join(' '),
  });
  return {
    proc: tracked.child,
    stdout: () => tracked.stdout(),
    stderr: () => tracked.stderr(),
    get exit() {
      return tracked.exited;
    },
    log: (msg) => tracked.waitForLogLine((entry) => entry.msg === msg, JSON.stringify(msg)),
  };
}

describe('runService (child process)', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: delivers the in-flight reply, removes the socket file, exits 0`, async () => {
      const path = tempSocketPath();
      const child = run('echo-server.ts', ['--socket', path, '--work-ms', '300ms']);
      const listening = await child.log('listening');
      expect(listening.address).toBe(`unix:${path}`);
      const client = await connectTo({ kind: 'unix', path });
      client.write('slow\n');
      await readUntil(client, 'started\n');
      child.proc.kill(signal);
      expect(await child.exit).toEqual({ code: 0, signal: null });
      expect(await readAll(client)).toBe('started\ndone\n');
      expect(existsSync(path)).toBe(false);
      expect(child.stderr()).toBe('');
      const lines = child.stdout().trim().split('\n');
      expect(lines.some((line) => line.includes('"msg":"shutting down"') && line.includes(signal))).toBe(
        true,
      );
      expect(lines.at(-1)).toContain('"msg":"stopped"');
    });
  }

  it('a second signal exits 1 at once', async () => {
    const path = tempSocketPath();
    const child = run('echo-server.ts', ['--socket', path, '--stubborn', '--grace', '1h']);
    await child.log('listening');
    const client = await connectTo({ kind: 'unix', path });
    client.write('hi\n');
    await readUntil(client, 'hi\n');
    child.proc.kill('SIGTERM');
    await child.log('shutting down');
    child.proc.kill('SIGTERM');
    expect((await child.exit).code).toBe(1);
    expect(child.stderr()).toBe('echo-server: SIGTERM again, exiting without waiting for connections\n');
  });

  it('a signal during start() stops the service once it has started, exit 0', async () => {
    const path = tempSocketPath();
    const child = run('echo-server.ts', ['--socket', path, '--start-delay', '1s']);
    await child.log('starting');
    child.proc.kill('SIGTERM');
    expect(await child.exit).toEqual({ code: 0, signal: null });
    expect(child.stdout()).toContain('"msg":"signal received while starting; stopping once started"');
    expect(child.stdout()).toContain('"msg":"stopped"');
    expect(existsSync(path)).toBe(false);
  });

  it('an uncaught exception is logged as fatal, printed as one line, exit 1', async () => {
    const child = run('echo-server.ts', ['--crash']);
    expect((await child.exit).code).toBe(1);
    expect(child.stderr()).toBe('echo-server: fatal: boom in a callback\n');
    const fatal = child
      .stdout()
      .split('\n')
      .find((line) => line.includes('"msg":"uncaught error"'));
    expect(fatal).toContain('"level":"fatal"');
    expect(fatal).toContain('boom in a callback');
  });

  it('a bad flag prints one line and exits 2', async () => {
    const child = run('echo-server.ts', ['--prot', '1']);
    expect((await child.exit).code).toBe(2);
    expect(child.stderr()).toBe(
      'echo-server: unknown option --prot (did you mean --port?); see echo-server --help\n',
    );
  });

  it('a bad env var prints one line naming it and exits 2', async () => {
    const child = run('echo-server.ts', [], { ECHO_PORT: 'http' });
    expect((await child.exit).code).toBe(2);
    expect(child.stderr()).toBe(
      'echo-server: ECHO_PORT (--port): invalid value "http": expected a port number 0-65535\n',
    );
  });

  it('--help prints every option and exits 0', async () => {
    const child = run('echo-server.ts', ['--help']);
    expect((await child.exit).code).toBe(0);
    expect(child.stdout()).toContain('Usage: echo-server [options]');
    expect(child.stdout()).toMatch(/--port <port>\s+TCP port \(default: 0, env: ECHO_PORT\)/);
    expect(child.stderr()).toBe('');
  });

  it('an address in use prints one line naming it and exits 1', async () => {
    const blocker = createServer();
    onTestFinished(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const address = await listen(blocker, { host: '127.0.0.1', port: 0 });
    if (address.kind !== 'tcp') throw new Error('tcp expected');
    const child = run('echo-server.ts', ['--port', String(address.port)]);
    expect((await child.exit).code).toBe(1);
    expect(child.stderr()).toBe(`echo-server: address 127.0.0.1:${address.port} is already in use\n`);
    // That line is the whole story: no error-level log line (with a stack) about the same failure.
    expect(child.stdout()).not.toContain('"level":"error"');
    expect(child.stdout()).not.toContain('EADDRINUSE');
  });

  it('a live server on the socket path: one line, exit 1, the live socket is left alone', async () => {
    const path = tempSocketPath();
    const live = createServer((socket) => {
      socket.on('error', () => {});
      socket.end('live');
    });
    onTestFinished(() => new Promise<void>((resolve) => live.close(() => resolve())));
    await listen(live, { path });
    const child = run('echo-server.ts', ['--socket', path]);
    expect((await child.exit).code).toBe(1);
    expect(child.stderr()).toBe(
      `echo-server: unix:${path} is in use by a running server (a connect succeeded); refusing to start\n`,
    );
    const client = await connectTo({ kind: 'unix', path });
    expect(await readUntil(client, 'live')).toBe('live');
  });

  it('a regular file at the socket path: one line, exit 1, file kept', async () => {
    const path = tempSocketPath();
    writeFileSync(path, 'keep me');
    const child = run('echo-server.ts', ['--socket', path]);
    expect((await child.exit).code).toBe(1);
    expect(child.stderr()).toBe(`echo-server: ${path} exists and is not a socket; refusing to replace it\n`);
    expect(existsSync(path)).toBe(true);
  });
});

describe('runCli (child process)', () => {
  it('runs main and exits 0', async () => {
    const child = run('client.ts', ['store', 'key', 'value', '--count', '2']);
    expect((await child.exit).code).toBe(0);
    expect(child.stdout()).toBe('store key value\nstore key value\n');
  });

  it('a ConfigError prints one line and exits 2', async () => {
    const child = run('client.ts', ['--count', '0']);
    expect((await child.exit).code).toBe(2);
    expect(child.stderr()).toBe(
      'demo-client: --count: invalid value "0": expected an integer of at least 1\n',
    );
  });

  it('any other error prints one line (no stack) and exits 1', async () => {
    const child = run('client.ts', ['fail']);
    expect((await child.exit).code).toBe(1);
    expect(child.stderr()).toBe('demo-client: key "x" not found second line\n');
  });
});
