import type { ChildProcess } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  scaled,
  spawnTracked,
  type TrackedProcess,
  tempDir as testTempDir,
  waitFor as testWaitFor,
  tsxArgs,
} from '@sockworks/test-utils';
import { onTestFinished } from 'vitest';
import { createKvServer, type KvServer, type KvServerOptions } from '../src/index.js';

export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A fresh temp directory (removed after the test) and a short socket path inside it. */
export function tempDir(): string {
  return testTempDir('kv-');
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

/** Polls `check` until it returns true, failing after the (scaled) `timeoutMs` with a message naming `what`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  await testWaitFor(check, { what, timeoutMs: scaled(timeoutMs) });
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

/** A server started as a child process from the TypeScript sources; its process group dies with the test. */
export class ServerProcess {
  private constructor(readonly tracked: TrackedProcess) {}

  get child(): ChildProcess {
    return this.tracked.child;
  }

  get stdout(): string {
    return this.tracked.stdout();
  }

  get stderr(): string {
    return this.tracked.stderr();
  }

  /** The exit code, null after a signal, undefined while running. */
  get exitCode(): number | null | undefined {
    return this.tracked.exit?.code;
  }

  get signal(): NodeJS.Signals | null {
    return this.tracked.exit?.signal ?? null;
  }

  /** Resolves with the exit code; rejects naming the process if it does not exit within its deadline. */
  get exited(): Promise<number | null> {
    return this.tracked.exited.then(({ code }) => code);
  }

  /** Spawns `src/main.ts` with the given flags (cwd and env explicit). */
  static spawn(args: string[], env: NodeJS.ProcessEnv = {}): ServerProcess {
    return new ServerProcess(
      spawnTracked(process.execPath, tsxArgs('src/main.ts', ...args), {
        cwd: APP_DIR,
        env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...env },
        label: ['kv-unix-server', ...args].join(' '),
      }),
    );
  }

  /** Resolves once the server logged a message (JSON log line with this `msg`). */
  async waitForLog(msg: string, timeoutMs?: number): Promise<void> {
    await this.tracked.waitForOutput(`"msg":"${msg}"`, {
      stream: 'stdout',
      ...(timeoutMs === undefined ? {} : { timeoutMs: scaled(timeoutMs) }),
    });
  }
}
