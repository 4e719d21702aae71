import { describe, expect, it } from 'vitest';
import { markdown, type RunInfo, SPEC_REFERENCE, svgChart } from '../src/report.ts';
import type { ScenarioResult } from '../src/scenarios/index.ts';

const info: RunInfo = {
  date: '2026-11-22T10:00:00.000Z',
  node: 'v22.0.0',
  cpus: 'Test CPU',
  cores: 2,
  quick: true,
  seconds: 2,
  tools: ['redis-server'],
};

const results: ScenarioResult[] = [
  {
    id: 'tcp-echo-16b',
    app: 'binary-tcp-server',
    title: 'echo <16 B>',
    target: '>= 300k msg/s',
    measurements: [
      { subject: 'binary-tcp-server', perSecond: 400_000, p50Ms: 0.5, p99Ms: 1.25, maxMs: 3, cpuPercent: 99 },
      { subject: 'anchor: node socket.pipe(socket)', perSecond: 800_000, note: 'median of 3 rounds' },
    ],
    ratio: 0.5,
    pass: true,
  },
  {
    id: 'kv-50x1',
    app: 'kv-unix-server',
    title: 'kv 50 clients',
    target: '>= 0.8x redis',
    measurements: [{ subject: 'kv-unix-server', perSecond: 1000 }],
    ratio: 0.5,
    pass: false,
  },
  {
    id: 'idle-tcp',
    app: 'binary-tcp-server',
    title: 'idle',
    target: '<= 6 KB',
    measurements: [{ subject: 'binary-tcp-server', perSecond: 0, rssPerConnKiB: 5.5 }],
  },
  { id: 'ws-ping', app: 'ws', title: 'ws <ping> & co', target: 'x', measurements: [], error: 'boom\nstack' },
];

describe('markdown report', () => {
  const md = markdown(results, info);

  it('states the machine, the run kind and the anchors available', () => {
    expect(md).toContain('Node v22.0.0, 2 x Test CPU; quick run, 2 s of load per measurement');
    expect(md).toContain('anchors available: redis-server.');
  });

  it('has one row per measurement with formatted numbers', () => {
    expect(md).toContain('| tcp-echo-16b | binary-tcp-server | 400,000 | 0.5 | 1.25 | 3 | 99 |');
    expect(md).toContain('| tcp-echo-16b | anchor: node socket.pipe(socket) | 800,000 |');
    expect(md).toContain('| idle-tcp | binary-tcp-server | 0 |  |  |  |  |  | 5.5 |');
  });

  it('shows an error on the first line only, and a verdict per scenario', () => {
    expect(md).toContain('| ws-ping | error: boom |');
    expect(md).not.toContain('stack');
    expect(md).toContain('| tcp-echo-16b | binary-tcp-server | echo <16 B> | >= 300k msg/s | 0.5 | met |');
    expect(md).toContain('| kv-50x1 | kv-unix-server | kv 50 clients | >= 0.8x redis | 0.5 | missed |');
    expect(md).toContain('| idle-tcp | binary-tcp-server | idle | <= 6 KB |  | no anchor |');
    expect(md).toMatch(/\| ws-ping \| ws \| .* \| error \|/);
  });

  it('lists the measurement notes under the table', () => {
    expect(md).toContain('- tcp-echo-16b, anchor: node socket.pipe(socket): median of 3 rounds');
  });

  it("lists the specs' published figures as a reference", () => {
    for (const s of SPEC_REFERENCE) expect(md).toContain(`| ${s.what} | ${s.figure} |`);
  });
});

describe('svg chart', () => {
  const svg = svgChart(results, 'title <&>');

  it('is one svg document with an escaped title', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('title &lt;&amp;&gt;');
    expect(svg).toContain('tcp-echo-16b: echo &lt;16 B&gt;');
  });

  it('draws one bar per measured throughput, scaled within its scenario, ours in colour', () => {
    const bars = [...svg.matchAll(/<rect x="\d+" y="\d+" width="([\d.]+)" height="18" fill="(#[0-9a-f]+)"/g)];
    // tcp-echo-16b has two bars, kv-50x1 one; idle (0/s) and the errored scenario have none.
    expect(bars.map((b) => [Number(b[1]), b[2]])).toEqual([
      [210, '#2b7bb9'],
      [420, '#b0b0b0'],
      [420, '#2b7bb9'],
    ]);
    expect(svg).not.toContain('idle-tcp');
    expect(svg).not.toContain('ws-ping');
  });
});
