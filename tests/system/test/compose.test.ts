import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool, runTracked, scaled } from '@sockworks/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APPS, freePort, ROOT, readRepoFile, run, sourceEntry, startUntil, stop } from './helpers.ts';

interface Healthcheck {
  test: string[];
}
interface ComposeService {
  build?: { context: string; dockerfile?: string; target?: string };
  image?: string;
  init?: boolean;
  restart?: string;
  stop_grace_period?: string;
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  healthcheck?: Healthcheck;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const PROMTOOL = findTool('promtool', 'prometheus');

const compose = parse(readRepoFile('docker-compose.yml'), { merge: true }) as ComposeFile;
const rootPackage = JSON.parse(readRepoFile('package.json')) as { packageManager: string };
const pnpmVersion = /^pnpm@([\d.]+)/.exec(rootPackage.packageManager)?.[1];

/** The services built from this repository's Dockerfile (not public images such as Prometheus). */
const APP_SERVICES = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

/** Which app a compose service runs (services are named after apps; a variant adds a suffix). */
function appOf(serviceName: string): string {
  const app = APPS.find((a) => serviceName === a || serviceName.startsWith(`${a}-`));
  if (!app) throw new Error(`service ${serviceName} runs no known app`);
  return app;
}

/** Every environment variable an app documents in its --help. */
const helpText = new Map<string, string>();
beforeAll(async () => {
  await Promise.all(
    APPS.map(async (app) => {
      // Five tsx start-ups at once: on a loaded two-core machine one can take longer than run's 15 s.
      const res = await run([...sourceEntry(app), '--help'], { timeoutMs: 55_000 });
      expect(res.code, `${app} --help: ${res.stderr}`).toBe(0);
      helpText.set(app, res.stdout);
    }),
  );
}, scaled(60_000));

/** Expands `${VAR:-default}` the way compose does when VAR is unset. */
function composeDefault(value: string | number): string {
  return String(value).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

/** Parses a compose duration such as `15s` or `1m30s` into milliseconds. */
function durationMs(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h)/g)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
  }
  return total;
}

describe('docker-compose.yml', () => {
  it("has a service named after every app, each built from the app's target in the Dockerfile", () => {
    for (const app of APPS) {
      const service = compose.services[app];
      expect(service, `service ${app}`).toBeDefined();
      expect(service?.build).toEqual({ context: '.', target: app });
      expect(service?.image).toBe(`sockworks/${app}`);
    }
    expect(existsSync(join(ROOT, 'Dockerfile'))).toBe(true);
  });

  it('starts all five by default; variants sit behind a profile', () => {
    const defaults = Object.entries(compose.services).filter(([, s]) => !s.profiles?.length);
    expect(defaults.map(([name]) => name).sort()).toEqual([...APPS]);
  });

  it('runs each service with init, restart policy and a grace period above the 10 s drain', () => {
    for (const [name, service] of APP_SERVICES) {
      expect(service.init, name).toBe(true);
      expect(service.restart, name).toBe('unless-stopped');
      expect(durationMs(service.stop_grace_period ?? '0s'), name).toBeGreaterThan(10_000);
      expect(service.healthcheck?.test.slice(0, 3), name).toEqual(['CMD', 'node', '-e']);
    }
  });

  it('uses only environment variables the app really reads', () => {
    for (const [name, service] of APP_SERVICES) {
      const help = helpText.get(appOf(name)) ?? '';
      for (const variable of Object.keys(service.environment ?? {})) {
        expect(help, `${name}: ${variable} is not an option of ${appOf(name)}`).toContain(variable);
      }
    }
  });

  it('publishes TCP ports on 127.0.0.1 only, to the port the service listens on', () => {
    for (const [name, service] of APP_SERVICES) {
      const env = service.environment ?? {};
      // A service may listen on several ports (chat: its TCP port and its web port).
      const listening = Object.entries(env)
        .filter(([k]) => k.endsWith('_PORT'))
        .map(([, v]) => String(v));
      for (const mapping of service.ports ?? []) {
        const m = /^127\.0\.0\.1:(?:\$\{[A-Z_]+:-(\d+)\}|(\d+)):(\d+)$/.exec(mapping);
        expect(m, `${name}: ${mapping}`).not.toBeNull();
        expect(listening, `${name} sets the port it publishes (${mapping}) explicitly`).toContain(m?.[3]);
        const hostVar = Object.keys(env).find((k) => k.endsWith('_HOST'));
        expect(env[hostVar ?? ''], `${name} listens on all interfaces in the container`).toBe('0.0.0.0');
      }
    }
  });

  it('puts Unix sockets in the shared named volume', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      const env = service.environment ?? {};
      const socketVars = Object.entries(env).filter(([k]) => /SOCKET_PATH$/.test(k));
      for (const [variable, value] of socketVars) {
        expect(String(value), `${name} ${variable}`).toMatch(/^\/run\/sockworks\/[\w.-]+\.sock$/);
        expect(service.volumes, name).toContain('sockets:/run/sockworks');
      }
    }
    expect(compose.volumes).toHaveProperty('sockets');
  });
});

describe('Dockerfile', () => {
  const text = readRepoFile('Dockerfile');
  /** The text of one stage: from its FROM line to the next. */
  function stage(name: string): string {
    const start = text.search(new RegExp(`^FROM \\S+ AS ${name}$`, 'm'));
    expect(start, `stage ${name}`).toBeGreaterThanOrEqual(0);
    const next = text.indexOf('\nFROM ', start + 1);
    return text.slice(start, next < 0 ? undefined : next);
  }

  it('builds every app once in a shared builder: pruned, frozen lockfile, production deploys', () => {
    expect(text).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
    // A `# syntax=` line would make BuildKit pull a frontend image, which offline machines cannot.
    expect(text).not.toMatch(/^# *syntax=/m);
    expect(stage('base')).toContain(`npm install -g pnpm@${pnpmVersion} `);
    expect(stage('pruner')).toContain(`turbo prune ${APPS.join(' ')} --docker`);
    const builder = stage('builder');
    expect(builder).toContain('pnpm install --frozen-lockfile');
    // turbo prune leaves out the root tsconfig every package's tsconfig extends, and the tsup setup
    // every tsup.config.ts imports.
    expect(builder).toMatch(/^COPY tsconfig\.base\.json \.\/$/m);
    expect(builder).toMatch(/^COPY tsup\.base\.ts \.\/$/m);
    expect(builder).toMatch(/deploy --prod/);
    for (const app of APPS) expect(builder).toContain(app);
    expect(stage('runtime')).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/m);
    expect(stage('runtime')).toMatch(/^USER node$/m);
  });

  for (const app of APPS) {
    it(`${app}: a target on the slim non-root runtime, production files only, node as PID 1`, () => {
      const target = stage(app);
      expect(target).toMatch(new RegExp(`^FROM runtime AS ${app}$`, 'm'));
      expect(target).not.toMatch(/^USER /m);
      const copied = [...target.matchAll(/^COPY --from=builder --chown=node:node (\S+) (\S+)$/gm)].map(
        (m) => m[1],
      );
      expect(copied).toEqual([`/prod/${app}/package.json`, `/prod/${app}/node_modules`, `/prod/${app}/dist`]);
      // Defaults baked into the image (for `docker run` alone) are options the app really reads.
      for (const m of target.matchAll(/^ENV (\w+)=/gm)) {
        expect(helpText.get(app), `${app}: ${m[1]} is not an option`).toContain(m[1]);
      }
      const cmd = /^CMD (\[.*\])$/m.exec(target)?.[1];
      // node itself as PID 1 (no package-manager wrapper), with the flags the entry's shebang asks for.
      const shebang = /^#!\/usr\/bin\/env -S node((?: --[\w-]+(?:=\S+)?)+)\s*$/.exec(
        readRepoFile(`apps/${app}/src/main.ts`).split('\n', 1)[0] ?? '',
      );
      const flags = shebang?.[1] ? shebang[1].trim().split(/\s+/) : [];
      expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...flags, 'dist/main.js']);
      // The file CMD runs is what the app's build produces.
      const tsup = readRepoFile(`apps/${app}/tsup.config.ts`);
      expect(tsup).toContain("'src/main.ts'");
    });
  }

  it('.dockerignore keeps node_modules, dist and .turbo out of the context', () => {
    const lines = readRepoFile('.dockerignore').split('\n');
    for (const pattern of ['**/node_modules', '**/dist', '**/.turbo']) expect(lines).toContain(pattern);
  });
});

describe('healthchecks, run natively against the natively started service', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sw-hc-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, service] of APP_SERVICES) {
    it(`${name}: healthy while running, unhealthy once stopped`, async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', LOG_PRETTY: '0' };
      for (const [k, v] of Object.entries(service.environment ?? {})) {
        const value = composeDefault(v);
        if (value !== '') env[k] = value;
      }
      // Same options as in the container, but on loopback, a free port and a private socket path.
      for (const k of Object.keys(env)) {
        if (k.endsWith('_HOST') && service.environment && k in service.environment) env[k] = '127.0.0.1';
        if (k.endsWith('_PORT') && service.environment && k in service.environment)
          env[k] = String(await freePort());
        if (k.endsWith('SOCKET_PATH') && service.environment && k in service.environment) {
          env[k] = join(dir, `${name}.sock`);
        }
      }
      const script = service.healthcheck?.test[3] ?? '';
      const app = appOf(name);
      const { child } = await startUntil(sourceEntry(app), {
        env,
        cwd: dir,
        ready: /"level":"info"[^\n]*(listening|running|started)/i,
      });
      try {
        const healthy = await run(['-e', script], { env, cwd: dir });
        expect(healthy.code, healthy.stderr).toBe(0);
      } finally {
        expect(await stop(child)).toBe(0);
      }
      const down = await run(['-e', script], { env, cwd: dir });
      expect(down.code).not.toBe(0);
    });
  }
});

describe('.env.example', () => {
  it('lists every environment variable of every app, as generated from their --help', async () => {
    // Five --help runs: 45 s (scaled), under the 60 s (scaled) test timeout.
    const res = await run([join(ROOT, 'scripts', 'env-example.mjs'), '--check'], { timeoutMs: 45_000 });
    expect(res.code, res.stderr).toBe(0);
    const text = readRepoFile('.env.example');
    for (const [name, service] of Object.entries(compose.services)) {
      for (const variable of Object.keys(service.environment ?? {})) {
        expect(text, `${name}: ${variable}`).toMatch(new RegExp(`^# ${variable}=`, 'm'));
      }
    }
  });
});

describe('the observability profile', () => {
  const prometheusConfig = parse(readRepoFile('deploy/prometheus/prometheus.yml')) as {
    scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
  };

  it('adds Prometheus (a pinned public image, published on 127.0.0.1) behind the profile', () => {
    const prometheus = compose.services.prometheus;
    expect(prometheus?.profiles).toEqual(['observability']);
    expect(prometheus?.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(prometheus?.ports?.map(composeDefault)).toEqual(['127.0.0.1:9090:9090']);
    expect(prometheus?.volumes).toContain(
      './deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    );
  });

  it('scrapes every app service where it serves /metrics, and every healthcheck asks /readyz', () => {
    for (const app of APPS) {
      const service = compose.services[app];
      const env = service?.environment ?? {};
      const metricsPort = Object.entries(env).find(([k]) => k.endsWith('_METRICS_PORT'))?.[1];
      const port = metricsPort ?? Object.entries(env).find(([k]) => k.endsWith('_PORT'))?.[1];
      const job = prometheusConfig.scrape_configs.find((c) => c.job_name === app);
      expect(job?.static_configs[0]?.targets, app).toEqual([`${app}:${String(port)}`]);
      if (metricsPort !== undefined) {
        // Reachable from the Prometheus container, but not published on the host.
        expect(Object.entries(env).find(([k]) => k.endsWith('_METRICS_HOST'))?.[1], app).toBe('0.0.0.0');
      }
    }
    for (const [name, service] of APP_SERVICES) {
      expect(service.healthcheck?.test[3], name).toContain("path:'/readyz'");
    }
  });

  it.skipIf(PROMTOOL === undefined)(
    'deploy/prometheus/prometheus.yml passes promtool check config',
    async () => {
      const res = await runTracked(
        PROMTOOL as string,
        ['check', 'config', join(ROOT, 'deploy/prometheus/prometheus.yml')],
        {
          label: 'promtool check config',
          timeoutMs: scaled(30_000),
        },
      );
      expect(res.code, `${res.stdout}${res.stderr}`).toBe(0);
    },
  );
});
