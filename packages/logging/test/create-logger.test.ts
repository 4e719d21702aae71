import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectionLogger,
  createLogger,
  flushLogger,
  LazyConnectionLogger,
  parseLogLevel,
  silentLogger,
  truncateForLog,
} from '../src/index.js';

function capture(): { stream: PassThrough; lines: () => Record<string, unknown>[]; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const text = () => Buffer.concat(chunks).toString('utf8');
  return {
    stream,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('createLogger', () => {
  it('writes JSON lines with service, level label and ISO time', async () => {
    const out = capture();
    const log = createLogger({ service: 'kv', destination: out.stream, pretty: false, env: {} });
    log.info({ port: 1 }, 'listening');
    await flushLogger(log);
    const [line] = out.lines();
    expect(line).toMatchObject({ service: 'kv', level: 'info', msg: 'listening', port: 1 });
    expect(typeof line?.time).toBe('string');
    expect(new Date(String(line?.time)).toISOString()).toBe(line?.time);
  });

  it('takes the level from LOG_LEVEL, and an explicit level wins', async () => {
    const out = capture();
    const log = createLogger({
      service: 's',
      destination: out.stream,
      pretty: false,
      env: { LOG_LEVEL: 'warn' },
    });
    log.info('hidden');
    log.warn('shown');
    expect(out.lines().map((l) => l.msg)).toEqual(['shown']);
    const out2 = capture();
    const log2 = createLogger({
      service: 's',
      level: 'debug',
      destination: out2.stream,
      pretty: false,
      env: {},
    });
    log2.debug('dbg');
    expect(out2.lines().map((l) => l.msg)).toEqual(['dbg']);
  });

  it('rejects an unknown level with a clear error', () => {
    expect(() => createLogger({ service: 's', level: 'loud', env: {} })).toThrow(/invalid log level "loud"/);
    expect(parseLogLevel(' WARN ')).toBe('warn');
  });

  it('redacts secrets', () => {
    const out = capture();
    const log = createLogger({ service: 's', destination: out.stream, pretty: false, env: {} });
    log.info({ token: 'abc', headers: { authorization: 'Bearer x' }, user: 'u' }, 'auth');
    const [line] = out.lines();
    expect(line?.token).toBe('[redacted]');
    expect(line?.headers).toEqual({ authorization: '[redacted]' });
    expect(line?.user).toBe('u');
  });

  it('pretty output when asked (or LOG_PRETTY=1) is not JSON', () => {
    const out = capture();
    const log = createLogger({ service: 's', destination: out.stream, env: { LOG_PRETTY: '1' } });
    log.info('hello pretty');
    expect(out.text()).toContain('hello pretty');
    expect(() => JSON.parse(out.text().split('\n')[0] ?? '')).toThrow();
  });

  it('also writes to a file, creating its directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-log-'));
    dirs.push(dir);
    const file = join(dir, 'nested', 'server.log');
    const out = capture();
    const log = createLogger({ service: 'ws', destination: out.stream, pretty: false, file, env: {} });
    log.info('to both');
    await flushLogger(log);
    expect(out.lines()[0]?.msg).toBe('to both');
    const fileLines = readFileSync(file, 'utf8').trim().split('\n');
    expect(JSON.parse(fileLines[0] ?? '{}')).toMatchObject({ msg: 'to both', service: 'ws' });
  });
});

describe('helpers', () => {
  it('connectionLogger adds conn and remote to every line', () => {
    const out = capture();
    const log = createLogger({ service: 's', destination: out.stream, pretty: false, env: {} });
    connectionLogger(log, { conn: 7, remote: '127.0.0.1:5000' }).info({ input: 'x' }, 'received');
    connectionLogger(log, { conn: 'a' }).info('no remote');
    const [a, b] = out.lines();
    expect(a).toMatchObject({ conn: 7, remote: '127.0.0.1:5000', input: 'x', msg: 'received' });
    expect(b).toMatchObject({ conn: 'a' });
    expect(b).not.toHaveProperty('remote');
  });

  it('silentLogger writes nothing and is safe to call', async () => {
    const log = silentLogger();
    expect(log.level).toBe('silent');
    log.error('nothing');
    await expect(flushLogger(log)).resolves.toBeUndefined();
  });

  it('truncateForLog keeps short text and marks cut text', () => {
    expect(truncateForLog('short')).toBe('short');
    const cut = truncateForLog('x'.repeat(250), 200);
    expect(cut.startsWith('x'.repeat(200))).toBe(true);
    expect(cut).toContain('+50 chars');
  });
});

describe('LazyConnectionLogger', () => {
  it('builds the child only when a line is written, with conn and remote', () => {
    const out = capture();
    const log = createLogger({
      service: 's',
      destination: out.stream,
      pretty: false,
      env: {},
      level: 'info',
    });
    let asked = 0;
    const lazy = new LazyConnectionLogger(log, 7, () => {
      asked++;
      return '127.0.0.1:1';
    });
    expect(lazy.enabled('debug')).toBe(false);
    expect(lazy.enabled('info')).toBe(true);
    expect(asked).toBe(0);
    lazy.logger.info('hello');
    lazy.logger.info('again');
    expect(asked).toBe(1);
    expect(out.lines()).toEqual([
      expect.objectContaining({ conn: 7, remote: '127.0.0.1:1', msg: 'hello' }),
      expect.objectContaining({ conn: 7, remote: '127.0.0.1:1', msg: 'again' }),
    ]);
    expect(lazy.enabled('info')).toBe(true);
  });

  it('leaves remote out when there is none', () => {
    const out = capture();
    const log = createLogger({ service: 's', destination: out.stream, pretty: false, env: {} });
    new LazyConnectionLogger(log, 'a').logger.info('x');
    expect(out.lines()[0]).not.toHaveProperty('remote');
  });
});
