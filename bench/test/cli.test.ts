import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTracked, scaled, tsxArgs } from '@sockworks/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../src/scenarios/index.ts';

const BENCH = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(BENCH, '..');
const out = mkdtempSync(join(tmpdir(), 'sw-bench-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Runs the bench CLI to completion; its process group (servers and load generators) dies with the test. */
async function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await runTracked(
    process.execPath,
    tsxArgs(join(BENCH, 'src', 'cli.ts'), ...args),
    { cwd: BENCH, label: `bench ${args.join(' ')}`, timeoutMs: scaled(90_000) },
  );
  return { code, stdout, stderr };
}

// Builds (when needed), starts a server and a load generator, and writes three files.
const END_TO_END = { timeout: scaled(120_000) };

describe('pnpm bench', () => {
  it('--help names every option and scenario, exit 0', async () => {
    const r = await bench(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--quick', '--only', '--seconds', '--out', '--no-build'])
      expect(r.stdout).toContain(flag);
    for (const s of SCENARIOS) expect(r.stdout).toContain(s.id);
  });

  it('accepts the `--` that `pnpm bench -- --help` forwards', async () => {
    const r = await bench(['--', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--only');
  });

  it('a bad flag, a bad --seconds or an --only that matches nothing is one line and exit 2', async () => {
    for (const args of [['--bogus'], ['--seconds', 'abc'], ['--only', 'no-such-app']]) {
      const r = await bench(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^bench: /);
    }
  });

  it('runs one scenario end to end and writes JSON, Markdown and SVG', END_TO_END, async () => {
    const built = existsSync(join(ROOT, 'apps', 'binary-tcp-server', 'dist', 'main.js'));
    const r = await bench([
      '--only',
      'tcp-echo-16b',
      '--seconds',
      '0.5',
      '--out',
      out,
      ...(built ? ['--no-build'] : []),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('[1/1] tcp-echo-16b');
    const files = readdirSync(out).sort();
    expect(files.map((f) => f.replace(/^.*\./, ''))).toEqual(['json', 'md', 'svg']);
    const base = join(out, (files[0] ?? '').replace(/\.json$/, ''));
    const json = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as {
      info: { quick: boolean; seconds: number };
      results: {
        id: string;
        error?: string;
        ratio?: number;
        measurements: { subject: string; perSecond: number; errors?: number; cpuPercent?: number }[];
      }[];
    };
    expect(json.info).toMatchObject({ quick: false, seconds: 0.5 });
    const [result] = json.results;
    expect(result?.id).toBe('tcp-echo-16b');
    expect(result?.error).toBeUndefined();
    const subjects = result?.measurements.map((m) => m.subject) ?? [];
    expect(subjects.slice(0, 2)).toEqual(['binary-tcp-server', 'anchor: node socket.pipe(socket)']);
    for (const m of result?.measurements ?? []) {
      expect(m.perSecond, m.subject).toBeGreaterThan(0);
      if (m.errors !== undefined) expect(m.errors, m.subject).toBe(0);
    }
    expect(result?.measurements[0]?.cpuPercent).toBeGreaterThan(0);
    expect(typeof result?.ratio).toBe('number');
    const md = readFileSync(`${base}.md`, 'utf8');
    expect(r.stdout).toContain(md.trim());
    expect(md).toMatch(/\| tcp-echo-16b \| binary-tcp-server \| [\d,]+ \|/);
    expect(readFileSync(`${base}.svg`, 'utf8')).toContain('<svg');
  });
});
