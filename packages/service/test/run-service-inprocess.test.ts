import { Writable } from 'node:stream';
import { ProtocolError } from '@sockworks/error-codes';
import { silentLogger } from '@sockworks/logging';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConfigError, exitCodeFor, oneLine, runCli, runServer, runService } from '../src/index.js';

// In-process runs use SIGUSR2 (emitted, never sent) and handleUncaught: false, so the vitest worker's
// own signal and error handling stay untouched. The real-signal paths are covered by child processes.
const SIGNAL = 'SIGUSR2' as const;

function harness() {
  const codes: number[] = [];
  let stderr = '';
  let onExit: () => void = () => {};
  const exited = new Promise<void>((resolve) => {
    onExit = resolve;
  });
  const io = {
    exit: (code: number) => {
      codes.push(code);
      onExit();
    },
    stderr: { write: (text: string) => (stderr += text) },
  };
  const before = process.listenerCount(SIGNAL);
  onTestFinished(() => {
    expect(process.listenerCount(SIGNAL)).toBeLessThanOrEqual(before + 1);
    for (const listener of process.listeners(SIGNAL).slice(before)) process.off(SIGNAL, listener);
  });
  return { codes, stderr: () => stderr, exited, io };
}

const base = { name: 'svc', logger: silentLogger(), signals: [SIGNAL], handleUncaught: false };

describe('runService in process', () => {
  it('a ConfigError from start() is one line and exit 2', async () => {
    const h = harness();
    await runService({
      ...base,
      ...h.io,
      start: async () => {
        throw new ConfigError('--port: invalid value "x": expected a port number 0-65535');
      },
    });
    expect(h.codes).toEqual([2]);
    expect(h.stderr()).toBe('svc: --port: invalid value "x": expected a port number 0-65535\n');
    expect(process.listenerCount(SIGNAL)).toBe(0);
  });

  it('any other start() error is one line and exit 1', async () => {
    const h = harness();
    await runService({
      ...base,
      ...h.io,
      start: async () => {
        throw new ProtocolError('ADDRESS_IN_USE', 'address 127.0.0.1:1 is already in use');
      },
    });
    expect(h.codes).toEqual([1]);
    expect(h.stderr()).toBe('svc: address 127.0.0.1:1 is already in use\n');
  });

  it('a signal closes with graceMs and exits 0', async () => {
    const h = harness();
    const calls: Array<number | undefined> = [];
    await runService({
      ...base,
      ...h.io,
      graceMs: 1234,
      start: async () => ({
        close: async (opts?: { timeoutMs?: number }) => {
          calls.push(opts?.timeoutMs);
        },
      }),
    });
    expect(h.codes).toEqual([]);
    process.emit(SIGNAL, SIGNAL);
    await h.exited;
    expect(calls).toEqual([1234]);
    expect(h.codes).toEqual([0]);
    expect(h.stderr()).toBe('');
    expect(process.listenerCount(SIGNAL)).toBe(0);
  });

  it('a second signal exits 1 without waiting for close', async () => {
    const h = harness();
    await runService({ ...base, ...h.io, start: async () => ({ close: () => new Promise<void>(() => {}) }) });
    process.emit(SIGNAL, SIGNAL);
    process.emit(SIGNAL, SIGNAL);
    await h.exited;
    expect(h.codes).toEqual([1]);
    expect(h.stderr()).toBe('svc: SIGUSR2 again, exiting without waiting for connections\n');
  });

  it('a close() that fails is one line and exit 1', async () => {
    const h = harness();
    await runService({
      ...base,
      ...h.io,
      start: async () => ({
        close: async () => {
          throw new Error('disk on fire');
        },
      }),
    });
    process.emit(SIGNAL, SIGNAL);
    await h.exited;
    expect(h.codes).toEqual([1]);
    expect(h.stderr()).toBe('svc: shutdown failed: disk on fire\n');
  });
});

describe('runServer in process', () => {
  const io = { signals: [SIGNAL], handleUncaught: false };

  it('a ConfigError from setup() is one line and exit 2, before any signal handler exists', async () => {
    const h = harness();
    runServer(
      'svc',
      () => {
        throw new ConfigError('--port: invalid value "x": expected a port number 0-65535');
      },
      { ...io, ...h.io },
    );
    await h.exited;
    expect(h.codes).toEqual([2]);
    expect(h.stderr()).toBe('svc: --port: invalid value "x": expected a port number 0-65535\n');
    expect(process.listenerCount(SIGNAL)).toBe(0);
  });

  it('starts with a logger named after the server, then a signal closes with graceMs and exits 0', async () => {
    const h = harness();
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line));
        done();
      },
    });
    const calls: Array<number | undefined> = [];
    let up: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      up = resolve;
    });
    runServer(
      'svc',
      () => ({
        log: { level: 'info', pretty: false, destination },
        graceMs: 1234,
        start: async (logger) => {
          logger.info('listening');
          up();
          return {
            close: async (opts?: { timeoutMs?: number }) => {
              calls.push(opts?.timeoutMs);
            },
          };
        },
      }),
      { ...io, ...h.io },
    );
    await started;
    process.emit(SIGNAL, SIGNAL);
    await h.exited;
    expect(calls).toEqual([1234]);
    expect(h.codes).toEqual([0]);
    expect(h.stderr()).toBe('');
    expect(lines.find((line) => line.msg === 'listening')).toMatchObject({ service: 'svc' });
  });
});

describe('runCli in process', () => {
  it('maps ConfigError to 2 and others to 1, one line each', async () => {
    const config = harness();
    runCli(
      async () => {
        throw new ConfigError('--count: bad');
      },
      { name: 'cli', ...config.io },
    );
    await config.exited;
    expect(config.codes).toEqual([2]);
    expect(config.stderr()).toBe('cli: --count: bad\n');

    const other = harness();
    runCli(
      async () => {
        throw new TypeError('line one\n  at somewhere');
      },
      { name: 'cli', ...other.io },
    );
    await other.exited;
    expect(other.codes).toEqual([1]);
    expect(other.stderr()).toBe('cli: line one at somewhere\n');
  });

  it('leaves a successful run alone', async () => {
    const h = harness();
    let ran = false;
    runCli(
      async () => {
        ran = true;
      },
      { name: 'cli', ...h.io },
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toBe(true);
    expect(h.codes).toEqual([]);
  });
});

describe('error helpers', () => {
  it('exitCodeFor and oneLine', () => {
    expect(exitCodeFor(new ConfigError('x'))).toBe(2);
    expect(exitCodeFor(new ProtocolError('INVALID_CONFIG', 'x'))).toBe(2);
    expect(exitCodeFor(new Error('x'))).toBe(1);
    expect(oneLine(new Error(''))).toBe('unknown error');
    expect(oneLine('plain string\nsecond')).toBe('plain string second');
  });
});
