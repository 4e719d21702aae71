import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  findTool,
  freePort,
  httpGet,
  metricNames,
  promtoolCheckMetrics,
  registerCleanup,
  scaled,
  spawnTracked,
  type TrackedProcess,
  tempDir,
  tempSocketPath,
  waitFor,
} from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { ROOT, readRepoFile, sourceEntry } from './helpers.ts';

// Debian's prometheus package: the real server scrapes the five services and answers PromQL.
const PROMETHEUS = findTool('prometheus', 'prometheus');
const PROMTOOL = findTool('promtool', 'prometheus');

/** Every metric name the Grafana dashboard's PromQL refers to. */
function dashboardMetricNames(): Set<string> {
  const dashboard = JSON.parse(readRepoFile('deploy/grafana/sockworks.json')) as {
    panels: Array<{ targets: Array<{ expr: string }> }>;
    templating: { list: Array<{ query?: unknown }> };
  };
  const exprs = [
    ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
    ...dashboard.templating.list.map((v) => JSON.stringify(v.query ?? '')),
  ];
  const names = new Set<string>();
  for (const expr of exprs) {
    for (const m of expr.matchAll(/\b(?:sockworks|nodejs|process)_[a-z0-9_]+/g)) names.add(m[0]);
  }
  return names;
}

/** A Prometheus instant query; resolves with the result vector. */
async function query(
  base: string,
  promql: string,
): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await httpGet(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const parsed = JSON.parse(res.body) as {
    status: string;
    data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  if (parsed.status !== 'success' || parsed.data === undefined)
    throw new Error(`query ${promql} failed: ${res.body}`);
  return parsed.data.result;
}

function startApp(app: string, args: string[]): TrackedProcess {
  const proc = spawnTracked(process.execPath, [...sourceEntry(app), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_PRETTY: '0', LOG_LEVEL: 'info' },
    label: app,
  });
  registerCleanup(() => proc.kill());
  return proc;
}

describe.skipIf(PROMETHEUS === undefined)('a real Prometheus scraping the five services', () => {
  it(
    'scrapes every service (up == 1) and reads a request count back through its HTTP API',
    async () => {
      const ports = {
        kv: await freePort(),
        chat: await freePort(),
        chatMetrics: await freePort(),
        tcp: await freePort(),
        tcpMetrics: await freePort(),
        ws: await freePort(),
        http: await freePort(),
        prometheus: await freePort(),
      };
      const local = ['--host', '127.0.0.1'];
      startApp('kv-unix-server', ['--socket', tempSocketPath(), '--metrics-port', String(ports.kv)]);
      startApp('chat-rpc-server', [
        ...local,
        '--port',
        String(ports.chat),
        '--metrics-port',
        String(ports.chatMetrics),
      ]);
      startApp('binary-tcp-server', [
        ...local,
        '--port',
        String(ports.tcp),
        '--metrics-port',
        String(ports.tcpMetrics),
      ]);
      startApp('ws-jsonrpc-camera-skeleton', [...local, '--port', String(ports.ws)]);
      startApp('http-local-server', [...local, '--port', String(ports.http)]);
      const targets: Record<string, number> = {
        'kv-unix-server': ports.kv,
        'chat-rpc-server': ports.chatMetrics,
        'binary-tcp-server': ports.tcpMetrics,
        'ws-jsonrpc-camera-skeleton': ports.ws,
        'http-local-server': ports.http,
      };
      for (const [job, port] of Object.entries(targets)) {
        await waitFor(
          async () =>
            (await httpGet(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200,
          {
            timeoutMs: scaled(60_000),
            what: `${job}'s /readyz on port ${port}`,
          },
        );
      }
      // Every endpoint passes promtool, and every metric the dashboard plots is exported by some service.
      const exported = new Set<string>();
      for (const [job, port] of Object.entries(targets)) {
        const text = (await httpGet(`http://127.0.0.1:${port}/metrics`)).body;
        for (const name of metricNames(text)) exported.add(name);
        if (PROMTOOL !== undefined) {
          expect((await promtoolCheckMetrics(PROMTOOL, text)).problems, job).toEqual([]);
        }
      }
      const plotted = dashboardMetricNames();
      expect(plotted.size).toBeGreaterThan(10);
      expect([...plotted].filter((name) => !exported.has(name))).toEqual([]);

      // Traffic Prometheus should see: three GETs on the HTTP service.
      for (let i = 0; i < 3; i++)
        expect((await httpGet(`http://127.0.0.1:${ports.http}/`)).body).toBe('running');

      const dir = tempDir();
      const config = [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        ...Object.entries(targets).flatMap(([job, port]) => [
          `  - job_name: ${job}`,
          '    static_configs:',
          `      - targets: ['127.0.0.1:${port}']`,
        ]),
      ].join('\n');
      writeFileSync(join(dir, 'prometheus.yml'), `${config}\n`);
      mkdirSync(join(dir, 'data'));
      const prometheus = spawnTracked(
        PROMETHEUS as string,
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${ports.prometheus}`,
        ],
        { cwd: dir, env: process.env, label: 'prometheus' },
      );
      registerCleanup(() => prometheus.kill());
      const base = `http://127.0.0.1:${ports.prometheus}`;

      const up = await waitFor(
        async () => {
          const result = await query(base, 'up == 1').catch(() => []);
          return result.length === 5 ? result : undefined;
        },
        { timeoutMs: scaled(90_000), what: 'Prometheus to scrape all five services (up == 1)' },
      );
      expect(up.map((r) => r.metric.job).sort()).toEqual(Object.keys(targets).sort());

      const gets = await waitFor(
        async () => {
          const result = await query(
            base,
            'sockworks_messages_received_total{job="http-local-server",method="GET"}',
          ).catch(() => []);
          return result.length === 1 ? result[0] : undefined;
        },
        { timeoutMs: scaled(60_000), what: 'the HTTP service request count in Prometheus' },
      );
      expect(Number(gets?.value[1])).toBe(3);
      const heap = await query(base, 'nodejs_heap_size_used_bytes');
      expect(heap).toHaveLength(5);
    },
    scaled(240_000),
  );
});
