import { type Measurement, measureInterleaved, withServer } from '../measure.ts';
import { freePort } from '../target.ts';
import { wrkAvailable, wrkRun } from '../wrk.ts';
import { load, roundsFor, type Scenario, startAnchor, startApp } from './common.ts';

export const httpGet: Scenario = {
  id: 'http-get',
  app: 'http-local-server',
  title: 'GET /, Connection: close, 50 concurrent',
  target: '>= 0.9x bare node http',
  async run(s) {
    const port = await freePort();
    const aport = await freePort();
    const startOurs = () =>
      startApp(
        'http-local-server',
        {
          HTTP_SOCKET: 'tcp',
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: String(port),
          HTTP_MAX_CONNECTIONS: '20000',
        },
        { host: '127.0.0.1', port },
      );
    const startBare = () => startAnchor('anchors/http-bare.ts', aport);
    const rounds = roundsFor(s);
    const roundMs = (s.seconds * 1000) / rounds;
    const close = (p: number, label: string) => () =>
      load(
        { kind: 'http-close', target: { host: '127.0.0.1', port: p }, concurrency: 50, durationMs: roundMs },
        label,
        s,
      );
    // Our generator, interleaved rounds: the ratio the target is judged on.
    const main = await measureInterleaved(rounds, [
      { subject: 'http-local-server', start: startOurs, load: close(port, 'http') },
      { subject: 'anchor: bare node http', start: startBare, load: close(aport, 'http (bare)') },
    ]);
    // wrk, for reference (one run each): with and without keep-alive requested.
    const wrkRows: Measurement[] = [];
    if (wrkAvailable()) {
      for (const [subject, start, p] of [
        ['http-local-server', startOurs, port],
        ['anchor: bare node http', startBare, aport],
      ] as const) {
        await withServer(start, async (srv) => {
          for (const keepAlive of [false, true]) {
            const before = srv.sample();
            const t0 = performance.now();
            const w = wrkRun(`http://127.0.0.1:${p}/`, { connections: 50, seconds: s.seconds, keepAlive });
            const after = srv.sample();
            wrkRows.push({
              subject: `${subject} (wrk, ${keepAlive ? 'keep-alive requested' : 'Connection: close'})`,
              ...w,
              cpuPercent: ((after.cpuMs - before.cpuMs) / (performance.now() - t0)) * 100,
              peakRssMiB: after.peakRssBytes / (1 << 20),
            });
          }
        });
      }
    }
    const ratio = main.ratio;
    return { measurements: [...main.measurements, ...wrkRows], ratio, pass: ratio >= 0.9 };
  },
};
