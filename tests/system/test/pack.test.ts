import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaled } from '@sockworks/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, run } from './helpers.ts';

// The shared packages must work for a project outside this repo: packed as they would be published
// (workspace ranges replaced by versions), installed with plain npm, imported with import and require.
const PACKAGES = readdirSync(join(ROOT, 'packages')).sort();
const built = PACKAGES.every((p) => existsSync(join(ROOT, 'packages', p, 'dist', 'index.js')));

/** The environment of an outside project: no NODE_PATH (pnpm's scripts point it into this repo). */
const OUTSIDE_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name !== 'NODE_PATH'),
);

/** One check per package, written so it runs as ESM (`import`) and as CommonJS (`require`). */
const CHECKS: Record<string, string> = {
  'error-codes': `
    const e = new m.ProtocolError(m.KvErrorCode.KEY_NOT_FOUND, 'x');
    ok(m.ProtocolError.is(e) && m.toKvError(e).code === 'KEY_NOT_FOUND');`,
  framing: `
    const got = [];
    const d = new m.NdjsonDecoder({ maxLineBytes: 100, onMessage: (v) => got.push(v), onError: (e) => got.push(e.code) });
    d.push(Buffer.from('{"a":1}\\nnot json\\n'));
    ok(got.length === 2 && got[0].a === 1 && got[1] === 'INVALID_JSON');
    ok(m.encodeLengthPrefixedJson({ a: 1 }).readUInt32BE(0) === 7);`,
  logging: `
    const lines = [];
    const log = m.createLogger({ service: 'pack', pretty: false, env: {}, destination: { write: (l) => lines.push(l) } });
    log.info('hello');
    ok(JSON.parse(lines[0]).msg === 'hello');
    // pino-pretty is an optional peer, not installed here: pretty output falls back to JSON with a note
    const notes = [];
    const write = process.stderr.write;
    process.stderr.write = (chunk) => { notes.push(String(chunk)); return true; };
    try {
      const pretty = m.createLogger({ service: 'pack', pretty: true, env: {}, destination: { write: (l) => lines.push(l) } });
      pretty.info('plain');
    } finally {
      process.stderr.write = write;
    }
    ok(JSON.parse(lines[1]).msg === 'plain' && /pino-pretty is not installed/.test(notes.join('')));`,
  service: `
    ok(typeof m.NetService === 'function' && typeof m.listen === 'function' && typeof m.ConfigError === 'function');`,
  'service/cli': `
    const cli = m.defineCli({ name: 'x', description: 'x', options: { port: { type: 'port', flag: '--port', default: 1, description: 'p' } } });
    ok(cli.parse(['--port', '8080'], {}).values.port === 8080);
    ok(typeof m.optionTableProblems === 'function');`,
  redis: `
    ok(m.redactRedisUrl('redis://u:pw@h:1') === 'redis://***:***@h:1');
    ok(m.parseRedisUrl('unix:///tmp/r.sock').kind === 'unix');
    ok(typeof m.connectRedis === 'function' && m.redisOptions('KV').redisUrl.env === 'KV_REDIS_URL');`,
  loadgen: `
    const h = new m.LatencyHistogram();
    for (const ms of [1, 2, 3, 4]) h.record(ms);
    ok(h.count === 4 && h.max() === 4 && h.mean() === 2.5);
    const net = await import('node:net');
    const server = net.createServer((s) => s.pipe(s)).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const target = { host: '127.0.0.1', port: server.address().port };
    const r = await m.runWindowedLoad({ target, window: 4, requestCount: 10, requests: () => [Buffer.from('x\\n')], replies: m.lineReplies });
    server.close();
    ok(r.completed === 10 && r.errors === 0 && r.latency.count === 10);`,
  metrics: `
    const metrics = new m.ServiceMetrics({ methods: ['echo'], sentTypes: ['reply'], errorCodes: ['X'] });
    metrics.received('echo');
    return metrics.metrics().then((text) => ok(text.includes('sockworks_messages_received_total{method="echo"} 1')));`,
  jsonrpc: `
    const engine = new m.JsonRpcEngine();
    engine.register('ping', m.defineMethod({ handler: () => 'pong' }));
    return engine.handle('{"jsonrpc":"2.0","method":"ping","id":1}').then((r) => ok(JSON.parse(r).result === 'pong'));`,
};

describe.skipIf(!built && process.env.CI === undefined)(
  'packed shared packages in an outside project',
  () => {
    let dir: string;
    const tarballs: Record<string, string> = {};
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'sw-pack-'));
      const deps: Record<string, string> = {};
      for (const p of PACKAGES) {
        const out = execFileSync('pnpm', ['pack', '--pack-destination', dir], {
          cwd: join(ROOT, 'packages', p),
          encoding: 'utf8',
        });
        const tarball = out.trim().split('\n').pop() ?? '';
        deps[`@sockworks/${p}`] = `file:${tarball}`;
        tarballs[p] = tarball;
      }
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({ name: 'outside', private: true, dependencies: deps }),
      );
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: dir,
        stdio: 'pipe',
      });
    }, scaled(180_000));
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('packs every package under packages/', () => {
      expect(PACKAGES).toEqual([
        'error-codes',
        'framing',
        'jsonrpc',
        'loadgen',
        'logging',
        'metrics',
        'redis',
        'service',
      ]);
    });

    it('ships the build, licence, changelog and readme only (no second copy of the sources)', () => {
      for (const [name, tarball] of Object.entries(tarballs)) {
        const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
        expect(
          files.filter((f) => !f.startsWith('package/dist/')),
          name,
        ).toEqual(['package/CHANGELOG.md', 'package/LICENSE', 'package/README.md', 'package/package.json']);
        const manifest = JSON.parse(
          execFileSync('tar', ['xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
        ) as { exports: unknown; repository?: unknown; license?: string };
        expect(JSON.stringify(manifest.exports), name).not.toContain('sockworks-source');
        expect(manifest.license, name).toBe('MIT');
        expect(manifest.repository, name).toBeDefined();
      }
    });

    for (const p of Object.keys(CHECKS)) {
      it(`@sockworks/${p} works through import and through require`, async () => {
        const body = `const ok = (c) => { if (!c) throw new Error('check failed'); };\n${CHECKS[p]}`;
        const esm = `import * as m from '@sockworks/${p}';\nawait (async () => {${body}})();\nconsole.log('ok');`;
        const cjs = `const m = require('@sockworks/${p}');\n(async () => {${body}})().then(() => console.log('ok'), (e) => { console.error(e); process.exit(1); });`;
        const base = p.replace('/', '-');
        writeFileSync(join(dir, `${base}.mjs`), esm);
        writeFileSync(join(dir, `${base}.cjs`), cjs);
        for (const file of [`${base}.mjs`, `${base}.cjs`]) {
          const res = await run([join(dir, file)], { cwd: dir, env: OUTSIDE_ENV });
          expect(res.stderr, file).toBe('');
          expect(res.stdout.trim(), file).toBe('ok');
          expect(res.code, file).toBe(0);
        }
      });
    }
  },
);
