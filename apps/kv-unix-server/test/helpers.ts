import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { createKvServer, type KvServer, type KvServerOptions } from '../src/index.js';

export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A fresh temp directory (removed after the test) and a short socket path inside it. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kv-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A per-test socket path, well under the 107-byte limit. */
export function tempSocketPath(): string {
  return join(tempDir(), 's.sock');
}

/** An in-process server on a temp socket, closed after the test. */
export async function startServer(
  options: KvServerOptions = {},
): Promise<{ server: KvServer; path: string }> {
  const path = options.socketPath ?? tempSocketPath();
  const server = createKvServer({ ...options, socketPath: path });
  onTestFinished(() => server.close({ timeoutMs: 500 }));
  await server.listen();
  return { server, path };
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A raw socket client that collects reply lines. */
export class RawClient {
  readonly lines: string[] = [];
  ended = false;
  closed = false;
  #partial = '';

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      const parts = (this.#partial + text).split('\n');
      this.#partial = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    socket.on('end', () => {
      this.ended = true;
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => {});
  }

  static connect(path: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ path });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        const client = new RawClient(socket);
        onTestFinished(() => {
          socket.destroy();
        });
        resolve(client);
      });
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends one request object as a line. */
  send(request: unknown): void {
    this.socket.write(`${JSON.stringify(request)}\n`);
  }

  /** Waits for at least `count` lines and returns the first `count` parsed (removing them). */
  async replies(count: number, timeoutMs = 5000): Promise<Array<Record<string, unknown>>> {
    await waitFor(
      () => this.lines.length >= count,
      `${count} replies (have ${this.lines.length})`,
      timeoutMs,
    );
    return this.lines.splice(0, count).map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** One request, one parsed reply. */
  async request(request: unknown): Promise<Record<string, unknown>> {
    this.send(request);
    const [reply] = await this.replies(1);
    return reply!;
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.closed, 'the connection to close', timeoutMs);
  }
}

/** A server started as a child process from the TypeScript sources. */
export class ServerProcess {
  stdout = '';
  stderr = '';
  exitCode: number | null | undefined;
  signal: NodeJS.Signals | null = null;
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (t: string) => {
      this.stdout += t;
    });
    child.stderr?.setEncoding('utf8').on('data', (t: string) => {
      this.stderr += t;
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.signal = signal;
        resolve(code);
      });
    });
  }

  /** Spawns `src/main.ts` with the given flags (cwd and env explicit). */
  static spawn(args: string[], env: NodeJS.ProcessEnv = {}): ServerProcess {
    const child = spawn(
      process.execPath,
      ['--conditions=sockworks-source', '--import', 'tsx', 'src/main.ts', ...args],
      {
        cwd: APP_DIR,
        env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const proc = new ServerProcess(child);
    onTestFinished(async () => {
      if (proc.exitCode === undefined) {
        child.kill('SIGKILL');
        await proc.exited;
      }
    });
    return proc;
  }

  /** Resolves once the server logged a message (JSON log line with this `msg`). */
  async waitForLog(msg: string, timeoutMs = 15_000): Promise<void> {
    await waitFor(
      () => this.stdout.includes(`"msg":"${msg}"`) || this.exitCode !== undefined,
      `log "${msg}"`,
      timeoutMs,
    );
    if (!this.stdout.includes(`"msg":"${msg}"`)) {
      throw new Error(`server exited (${this.exitCode}) before logging "${msg}": ${this.stderr}`);
    }
  }
}
