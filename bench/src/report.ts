import type { ScenarioResult } from './scenarios/index.ts';

/** The specs' published figures, shown as a fixed reference (not measured here). */
export const SPEC_REFERENCE = [
  { what: 'binary-tcp small messages', figure: '95,000+ msg/s' },
  { what: 'binary-tcp large messages', figure: '25,000+ msg/s' },
  { what: 'binary-tcp memory', figure: '~8 KB per connection' },
  { what: 'WebSocket ping', figure: '< 5 ms' },
];

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || Number.isNaN(n) ? '' : n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** Machine facts printed with every result, since absolute numbers depend on them. */
export interface RunInfo {
  date: string;
  node: string;
  cpus: string;
  cores: number;
  quick: boolean;
  seconds: number;
  tools: string[];
}

/** Renders results as a Markdown document: one table row per subject, verdicts per scenario. */
export function markdown(results: ScenarioResult[], info: RunInfo): string {
  const out: string[] = [];
  out.push(`# Benchmark results, ${info.date}`);
  out.push('');
  out.push(
    `Node ${info.node}, ${info.cores} x ${info.cpus}; ${info.quick ? 'quick run' : 'full run'}, ` +
      `${info.seconds} s of load per measurement; load generators in separate processes on the same machine; ` +
      `anchors available: ${info.tools.join(', ') || 'none besides Node'}.`,
  );
  out.push('');
  out.push(
    '| scenario | subject | msg/s | p50 ms | p99 ms | max ms | server CPU % | peak RSS MiB | RSS/conn KiB |',
  );
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    if (r.error) {
      out.push(`| ${r.id} | error: ${r.error.split('\n')[0]} | | | | | | | |`);
      continue;
    }
    for (const m of r.measurements) {
      out.push(
        `| ${r.id} | ${m.subject} | ${fmt(m.perSecond)} | ${fmt(m.p50Ms, 2)} | ${fmt(m.p99Ms, 2)} | ${fmt(m.maxMs, 1)} | ` +
          `${fmt(m.cpuPercent)} | ${fmt(m.peakRssMiB, 1)} | ${fmt(m.rssPerConnKiB, 2)} |`,
      );
    }
  }
  const notes = results.flatMap((r) =>
    r.error ? [] : r.measurements.filter((m) => m.note).map((m) => `- ${r.id}, ${m.subject}: ${m.note}`),
  );
  if (notes.length > 0) {
    out.push('');
    out.push(...notes);
  }
  out.push('');
  out.push('## Targets');
  out.push('');
  out.push('| scenario | app | what | target | ratio to anchor | result |');
  out.push('|---|---|---|---|---:|---|');
  for (const r of results) {
    const verdict = r.error ? 'error' : r.pass === undefined ? 'no anchor' : r.pass ? 'met' : 'missed';
    out.push(`| ${r.id} | ${r.app} | ${r.title} | ${r.target} | ${fmt(r.ratio, 2)} | ${verdict} |`);
  }
  out.push('');
  out.push("## Reference: the specs' published figures (Python servers, not measured here)");
  out.push('');
  out.push('| what | figure |');
  out.push('|---|---|');
  for (const s of SPEC_REFERENCE) out.push(`| ${s.what} | ${s.figure} |`);
  out.push('');
  return out.join('\n');
}

const escapeXml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** A horizontal bar chart of throughput, one group per scenario, bars scaled within the group. */
export function svgChart(results: ScenarioResult[], title: string): string {
  const groups = results.filter((r) => !r.error && r.measurements.some((m) => m.perSecond > 0));
  const barH = 18;
  const gap = 6;
  const labelW = 420;
  const chartW = 420;
  const rows: string[] = [];
  let y = 40;
  for (const g of groups) {
    rows.push(`<text x="10" y="${y + 12}" font-weight="bold">${escapeXml(`${g.id}: ${g.title}`)}</text>`);
    y += barH + gap;
    const bars = g.measurements.filter((m) => m.perSecond > 0);
    const max = Math.max(...bars.map((m) => m.perSecond));
    for (const m of bars) {
      const w = Math.max(1, (m.perSecond / max) * chartW);
      const ours = !m.subject.startsWith('anchor');
      rows.push(`<text x="20" y="${y + 13}">${escapeXml(m.subject)}</text>`);
      rows.push(
        `<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${ours ? '#2b7bb9' : '#b0b0b0'}"/>`,
      );
      rows.push(`<text x="${labelW + w + 6}" y="${y + 13}">${fmt(m.perSecond)}/s</text>`);
      y += barH + gap;
    }
    y += gap * 2;
  }
  const width = labelW + chartW + 140;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
