import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaled, spawnTracked } from '@sockworks/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPS, freePort, ROOT } from './helpers.ts';

// `pnpm start` runs the built apps; turbo builds them before this package's tests (devDependencies).
const START = join(ROOT, 'scripts', 'start.mjs');
const built = APPS.every((app) => existsSync(join(ROOT, 'apps', app, 'dist', 'main.js')));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sw-start-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every service on a private address, so the test never collides with a real deployment. */
async function privateEnv(): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    LOG_PRETTY: '0',
    LOG_LEVEL: 'info',
    KV_SOCKET_PATH: join(dir, 'kv.sock'),
    CHAT_HOST: '127.0.0.1',
    CHAT_PORT: String(await freePort()),
    TCP_HOST: '127.0.0.1',
    TCP_PORT: String(await freePort()),
    WS_HOST: '127.0.0.1',
    WS_PORT: String(await freePort()),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(await freePort()),
  };
}

/**
 * Runs start.mjs until every line in `waitFor` has appeared, then sends `signal`. Fails naming what it
 * waited for if that takes longer than the deadline; start.mjs and every service it started are killed
 * when the test ends (its services lead process groups of their own: the cleanup finds them under it).
 */
async function runStart(
  args: string[],
  env: NodeJS.ProcessEnv,
  waitFor: RegExp[],
  signal: NodeJS.Signals = 'SIGINT',
  { build = false } = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawnTracked(process.execPath, [START, ...(build ? [] : ['--no-build']), ...args], {
    cwd: ROOT,
    env,
    label: `start.mjs ${args.join(' ')}`,
  });
  // A build (turbo) comes first when asked for: give it the time of a few process starts.
  const timeoutMs = scaled(build ? 120_000 : 60_000);
  const signalled = await child
    .waitUntil(
      () => (waitFor.every((re) => re.test(child.output())) ? true : undefined),
      `print ${waitFor.map(String).join(', ')}`,
      { timeoutMs },
    )
    .catch((error: unknown) => {
      // Exiting by itself (rejects an unknown app) is an answer too; anything else is a failure.
      if (child.exit !== undefined) return false;
      throw error;
    });
  if (signalled) child.signal(signal);
  const { code } = await child.exited;
  return { code, output: child.output() };
}

const ready = (app: string) => new RegExp(`^\\[${app}\\s*\\] .*"level":"info".*(listening|running)`, 'm');

// Above the waits of any one test: service starts (60 s, or 120 s after a build through npx, scaled)
// and then the exit (30 s scaled).
const SLOW = { timeout: scaled(180_000) };

describe.skipIf(!built && process.env.CI === undefined)('pnpm start (scripts/start.mjs)', SLOW, () => {
  it('runs all five services with prefixed output; Ctrl+C stops them all, exit 0, socket removed', async () => {
    const env = await privateEnv();
    const { code, output } = await runStart([], env, APPS.map(ready));
    expect(output).toMatch(/SIGINT received, stopping 5 service/);
    for (const app of APPS) expect(output).toMatch(ready(app));
    expect(code).toBe(0);
    expect(existsSync(String(env.KV_SOCKET_PATH))).toBe(false);
  });

  it('--filter starts one service only; SIGTERM stops it with exit 0', async () => {
    const env = await privateEnv();
    const { code, output } = await runStart(
      ['--filter', 'binary-tcp-server'],
      env,
      [ready('binary-tcp-server')],
      'SIGTERM',
    );
    expect(code).toBe(0);
    for (const app of APPS.filter((a) => a !== 'binary-tcp-server')) expect(output).not.toContain(`[${app}`);
  });

  it('a taken port is reported in one line naming the service and the address', async () => {
    const env = await privateEnv();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(Number(env.TCP_PORT), '127.0.0.1', r));
    try {
      const { code, output } = await runStart(
        ['--filter', 'binary-tcp-server', '--filter', 'http-local-server'],
        env,
        [ready('http-local-server'), /\[binary-tcp-server\s*\] exited/],
      );
      const errorLines = output
        .split('\n')
        .filter((l) => l.startsWith('[binary-tcp-server') && /in use/i.test(l));
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toContain(`127.0.0.1:${env.TCP_PORT}`);
      // The other service kept running until Ctrl+C; one failure makes the overall exit code 1.
      expect(code).toBe(1);
    } finally {
      blocker.close();
    }
  });

  it('without pnpm on PATH (the Quick start runs plain `node scripts/start.mjs`), builds through npx', async () => {
    // turbo runs each package's build through pnpm; a pnpm that is missing (here: one that fails
    // first on PATH) must not fail the build.
    const bin = mkdtempSync(join(dir, 'bin-'));
    writeFileSync(join(bin, 'pnpm'), '#!/bin/sh\necho "pnpm: not found" >&2\nexit 127\n', { mode: 0o755 });
    const env = { ...(await privateEnv()), PATH: `${bin}:${process.env.PATH ?? ''}` };
    const { code, output } = await runStart(
      ['--filter', 'http-local-server'],
      env,
      [ready('http-local-server')],
      'SIGTERM',
      { build: true },
    );
    expect(output).toMatch(/start: pnpm is not on PATH; building with npx -y pnpm@10\.\d+\.\d+ exec turbo/);
    expect(output).not.toMatch(/build failed|Unable to find package manager/);
    expect(output).toMatch(ready('http-local-server'));
    expect(code).toBe(0);
  });

  it('rejects an unknown app with exit code 2', async () => {
    // A pattern that never matches: the script must exit by itself.
    const { code, output } = await runStart(['--filter', 'nope'], process.env, [/(?!)/]);
    expect(code).toBe(2);
    expect(output).toMatch(/unknown app "nope"/);
  });
});
