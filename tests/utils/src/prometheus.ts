import { existsSync } from 'node:fs';
import { runTracked } from './spawn.js';
import { scaled } from './timeouts.js';

/** True in CI (SOCKWORKS_REQUIRE_TOOLS=1): a missing tool fails the test file instead of skipping it. */
export const TOOLS_REQUIRED = process.env.SOCKWORKS_REQUIRE_TOOLS === '1';

/**
 * The path of an installed tool (`/usr/bin/<name>` or `/usr/local/bin/<name>`), or undefined; throws
 * when it is missing and tools are required. `apt` names the Debian package that provides it.
 */
export function findTool(name: string, apt: string): string | undefined {
  const path = [`/usr/bin/${name}`, `/usr/local/bin/${name}`, `/bin/${name}`].find((p) => existsSync(p));
  if (path === undefined && TOOLS_REQUIRED) {
    throw new Error(
      `${name} is required (SOCKWORKS_REQUIRE_TOOLS=1) but not installed: apt-get install -y ${apt}`,
    );
  }
  return path;
}

/**
 * prom-client's default Node metrics that are gauges named `..._total` (active handles, requests,
 * resources): promtool's lint flags them, and they are the library's names, not ours.
 */
const PROM_CLIENT_LINT_EXCEPTIONS =
  /^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/;

/** What `promtool check metrics` reported, minus prom-client's known own lint findings. */
export interface PromtoolReport {
  /** promtool's exit code (0 clean, 3 lint findings, 1 not parseable). */
  code: number | null;
  /** Lint findings besides PROM_CLIENT_LINT_EXCEPTIONS, and any other output. */
  problems: string[];
}

/** Runs `promtool check metrics` on an exposition text. */
export async function promtoolCheckMetrics(promtool: string, text: string): Promise<PromtoolReport> {
  const result = await runTracked(promtool, ['check', 'metrics'], {
    input: text,
    label: 'promtool check metrics',
    timeoutMs: scaled(30_000),
  });
  const problems = `${result.stdout}\n${result.stderr}`
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !PROM_CLIENT_LINT_EXCEPTIONS.test(line));
  return { code: result.code, problems };
}

/** GETs a URL (bounded); resolves with status, content type and body. */
export async function httpGet(url: string): Promise<{ status: number; contentType: string; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(scaled(10_000)) });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}

/**
 * The value of one sample in a Prometheus text exposition: `name` with exactly these labels (in any
 * order; `{}` for an unlabelled one), or undefined if there is no such line.
 */
export function sampleValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    let labelText = '';
    let valueText: string;
    if (rest.startsWith('{')) {
      const end = rest.indexOf('} ');
      if (end === -1) continue;
      labelText = rest.slice(1, end);
      valueText = rest.slice(end + 2);
    } else if (rest.startsWith(' ')) {
      valueText = rest.slice(1);
    } else {
      continue;
    }
    const found: Record<string, string> = {};
    for (const match of labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      found[match[1] as string] = match[2] as string;
    const want = Object.entries(labels);
    if (want.length !== Object.keys(found).length || want.some(([k, v]) => found[k] !== v)) continue;
    return Number(valueText.split(' ')[0]);
  }
  return undefined;
}

/** Every metric family name in an exposition (from its `# TYPE` lines). */
export function metricNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram' || type === 'summary') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    }
  }
  return names;
}
