import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadResult } from '@sockworks/loadgen';
import { type Measurement, withServer } from '../measure.ts';
import { benchScript, runGenerator } from '../run-generator.ts';
import { type ServerProcess, startServerProcess } from '../server-process.ts';
import type { GeneratorSpec } from '../spec.ts';
import { freePort, type Target, tempSocketPath } from '../target.ts';

// Shared by every service's scenarios: the types, starting our apps and the anchors, and the idle
// connections scenario.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Settings shared by every scenario of one run. */
export interface RunSettings {
  quick: boolean;
  /** seconds of load per measurement */
  seconds: number;
  progress(label: string, count: number): void;
}

/** A scenario's verdict against its target. */
export interface ScenarioResult {
  id: string;
  app: string;
  title: string;
  target: string;
  measurements: Measurement[];
  /** our throughput / the anchor's, where the target is a ratio */
  ratio?: number;
  pass?: boolean;
  error?: string;
}

export interface Scenario {
  id: string;
  app: string;
  title: string;
  target: string;
  run(settings: RunSettings): Promise<Omit<ScenarioResult, 'id' | 'app' | 'title' | 'target'>>;
}

// Servers log at warn during benchmarks: the specs' per-message info logging would measure the
// logger, not the server (each app README says how to turn message logging back on).
const QUIET = { LOG_LEVEL: 'warn', LOG_PRETTY: '0' };

/** Node flags an app's entry asks for in its shebang, so the bench runs it as its bin does. */
function shebangFlags(file: string): string[] {
  const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
  const m = /^#!\/usr\/bin\/env -S node((?: --[\w-]+(?:=\S+)?)+)\s*$/.exec(first);
  return m?.[1] ? m[1].trim().split(/\s+/) : [];
}

/** Starts one of our apps from its build output, in a temp working directory removed when it stops. */
export async function startApp(
  app: string,
  env: Record<string, string>,
  ready: Target,
): Promise<ServerProcess> {
  const cwd = mkdtempSync(join(tmpdir(), `sw-bench-${app}-`));
  const removeCwd = (): void => rmSync(cwd, { recursive: true, force: true });
  const main = join(ROOT, 'apps', app, 'dist', 'main.js');
  let server: ServerProcess;
  try {
    server = await startServerProcess({
      args: [...shebangFlags(main), main],
      env: { ...QUIET, ...env },
      cwd,
      ready,
    });
  } catch (error) {
    removeCwd();
    throw error;
  }
  return {
    pid: server.pid,
    sample: () => server.sample(),
    stop: () => server.stop().finally(removeCwd),
  };
}

/** Starts one of the bench's anchor servers on a TCP port. */
export async function startAnchor(file: string, port: number): Promise<ServerProcess> {
  return startServerProcess({
    args: [...benchScript(file), String(port)],
    ready: { host: '127.0.0.1', port },
  });
}

/** Interleaved rounds per comparison: more in a full run, where each round still lasts 2 s. */
export function roundsFor(s: RunSettings): number {
  return s.quick ? 2 : 5;
}

/**
 * The WebSocket load of one interleaved round: 100 connections, one `message` in flight each (or one
 * per `intervalMs`, paced), after a warm-up that is not counted (the first JIT compilations on both
 * sides would otherwise set the tail percentiles).
 */
export function wsRoundSpec(
  s: RunSettings,
  message: string,
): (url: string, intervalMs?: number) => GeneratorSpec & { kind: 'ws' } {
  const durationMs = (s.seconds * 1000) / roundsFor(s);
  const warmupMs = s.quick ? 500 : 1000;
  return (url, intervalMs) => ({
    kind: 'ws',
    url,
    connections: 100,
    window: 1,
    durationMs,
    message,
    warmupMs,
    ...(intervalMs === undefined ? {} : { intervalMs }),
  });
}

export function load(spec: GeneratorSpec, label: string, s: RunSettings): Promise<LoadResult> {
  return runGenerator<LoadResult>(spec, { onProgress: (n) => s.progress(label, n) });
}

/**
 * Idle connections held by one app. Issue 9 sets <= 6 KB of server RSS per connection for the TCP,
 * chat and kv servers; for the WebSocket server the target is only that 10,000 are held (its RSS per
 * connection is still reported).
 */
export function idleConnections(
  app: string,
  env: (t: Target) => Record<string, string>,
  unix: boolean,
  hello?: string,
  { memoryTarget = true }: { memoryTarget?: boolean } = {},
): Scenario {
  return {
    id: `idle-${app}`,
    app,
    title: 'idle connections held',
    target: memoryTarget ? '<= 6 KB server RSS per connection' : 'all held (RSS per connection reported)',
    async run(s) {
      const count = s.quick ? 2000 : 10_000;
      const target: Target = unix
        ? { path: tempSocketPath('idle') }
        : { host: '127.0.0.1', port: await freePort() };
      const m = await withServer(
        () => startApp(app, env(target), target),
        async (srv) => {
          // Let start-up allocation settle before the baseline.
          await new Promise((r) => setTimeout(r, 300));
          const base = srv.sample();
          let perConn = 0;
          let opened = 0;
          await runGenerator(
            { kind: 'idle', target, count, hello },
            {
              onConnected: async (open) => {
                opened = open;
                await new Promise((r) => setTimeout(r, 500));
                perConn = (srv.sample().rssBytes - base.rssBytes) / Math.max(1, open);
              },
            },
          );
          return {
            subject: `${app} (${opened} connections)`,
            perSecond: 0,
            rssPerConnKiB: perConn / 1024,
            peakRssMiB: srv.sample().peakRssBytes / (1 << 20),
            errors: count - opened,
          } satisfies Measurement;
        },
      );
      const memoryOk = !memoryTarget || (m.rssPerConnKiB ?? Infinity) <= 6000 / 1024;
      return { measurements: [m], pass: memoryOk && m.errors === 0 };
    },
  };
}
