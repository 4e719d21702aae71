// `pnpm bench`: runs every scenario (or those of one app) against our built servers and the anchors,
// prints a live progress line, then writes bench/results/<date>.{json,md,svg}.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { redisAvailable } from './anchors/redis.ts';
import { markdown, type RunInfo, svgChart } from './report.ts';
import { SCENARIOS, type ScenarioResult } from './scenarios/index.ts';
import { wrkAvailable } from './wrk.ts';

const HELP = `Usage: pnpm bench [--quick] [--only <app|scenario>]... [--seconds N] [--out DIR] [--no-build]

Runs each service against its anchors and writes results/<date>.json, .md and .svg.

Options:
  --quick            short runs (2 s each, fewer connections): under 3 minutes in all
  --only <name>      only scenarios of this app, or this scenario id (repeatable)
  --seconds N        seconds of load per measurement (default 10, quick 2)
  --out DIR          where to write results (default bench/results)
  --no-build         do not build the apps first
  -h, --help         this help

Anchors used when installed: redis-server + redis-benchmark, wrk (apt-get install redis-server wrk).
Scenarios: ${SCENARIOS.map((s) => s.id).join(', ')}`;

// Adding rpc-websockets (a peer in ws-rpc-peers) linked the bench's `ws` with its optional native
// helpers; every server and generator here runs ws's JavaScript masking and Node's UTF-8 check, as
// before, so the rows stay comparable with earlier runs and no server gets native help the others lack.
process.env.WS_NO_BUFFER_UTIL ??= '1';
process.env.WS_NO_UTF_8_VALIDATE ??= '1';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
let args: ReturnType<typeof parseArgs>['values'];
try {
  // `pnpm bench -- --quick` forwards the `--` too: a leading one is not an argument.
  const argv = process.argv.slice(2);
  ({ values: args } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      seconds: { type: 'string' },
      out: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (err) {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)} (see --help)`);
  process.exit(2);
}
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const quick = args.quick === true;
const seconds = Number(args.seconds ?? (quick ? 2 : 10));
if (!Number.isFinite(seconds) || seconds <= 0) {
  console.error('bench: --seconds must be a positive number');
  process.exit(2);
}
const only = (args.only as string[] | undefined) ?? [];
const selected = SCENARIOS.filter((s) => only.length === 0 || only.includes(s.app) || only.includes(s.id));
if (selected.length === 0) {
  console.error(`bench: nothing matches --only ${only.join(', ')}`);
  process.exit(2);
}

if (args['no-build'] !== true) {
  const apps = [...new Set(selected.map((s) => s.app))];
  const res = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'turbo', 'bin', 'turbo'),
      'run',
      'build',
      ...apps.flatMap((a) => ['--filter', a]),
      '--output-logs=errors-only',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (res.status !== 0) process.exit(res.status ?? 1);
}

const isTty = process.stderr.isTTY === true;
let lastLine = 0;
function progress(label: string, count: number) {
  const line = `  ${label}: ${count.toLocaleString('en-US')}`;
  if (isTty) {
    process.stderr.write(`\r${line.padEnd(lastLine)}`);
    lastLine = line.length;
  } else if (Date.now() - lastLine > 2000) {
    process.stderr.write(`${line}\n`);
    lastLine = Date.now();
  }
}

const results: ScenarioResult[] = [];
const started = Date.now();
for (const [i, scenario] of selected.entries()) {
  process.stderr.write(`[${i + 1}/${selected.length}] ${scenario.id}: ${scenario.title}\n`);
  try {
    const r = await scenario.run({ quick, seconds, progress });
    results.push({
      id: scenario.id,
      app: scenario.app,
      title: scenario.title,
      target: scenario.target,
      ...r,
    });
  } catch (err) {
    results.push({
      id: scenario.id,
      app: scenario.app,
      title: scenario.title,
      target: scenario.target,
      measurements: [],
      error: err instanceof Error ? err.message : String(err),
    });
  }
  if (isTty) process.stderr.write(`${'\r'.padEnd(lastLine + 1)}\r`);
  lastLine = 0;
}

const date = new Date()
  .toISOString()
  .replace(/:\d\d\.\d+Z$/, '')
  .replace(':', '');
const info: RunInfo = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus()[0]?.model ?? 'unknown CPU',
  cores: cpus().length,
  quick,
  seconds,
  tools: [redisAvailable() ? 'redis-server' : '', wrkAvailable() ? 'wrk' : ''].filter(Boolean),
};
const outDir = resolve(String(args.out ?? join(root, 'bench', 'results')));
mkdirSync(outDir, { recursive: true });
const base = join(outDir, `${date}${quick ? '-quick' : ''}`);
const md = markdown(results, info);
writeFileSync(`${base}.json`, `${JSON.stringify({ info, results }, null, 2)}\n`);
writeFileSync(`${base}.md`, md);
writeFileSync(
  `${base}.svg`,
  svgChart(results, `sockworks throughput vs anchors (${info.date.slice(0, 10)})`),
);
console.log(md);
console.log(`results: ${base}.{json,md,svg} (${Math.round((Date.now() - started) / 1000)} s)`);
process.exit(results.some((r) => r.error) ? 1 : 0);
