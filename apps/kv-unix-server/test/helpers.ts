import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  framings,
  RawSocketClient,
  scaled,
  spawnTracked,
  type TrackedProcess,
  tempDir,
  tempSocketPath,
  waitFor as testWaitFor,
  tsxArgs,
} from '@sockworks/test-utils';
import { onTestFinished } from 'vitest';
import { createKvServer, type KvServer, type KvServerOptions } from '../src/index.js';

export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Temp directories and socket paths removed after the test. */
export { tempDir, tempSocketPath };

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

/** A raw client of the Unix socket that reads reply lines; timeouts are in unscaled ms (scaled here). */
export class RawClient extends RawSocketClient<string> {
  /** Connects to the socket at `path`; destroyed when the test ends. Rejects when nothing listens there. */
  static connect(path: string): Promise<RawClient> {
    return RawClient.open({ path }, framings.lines());
  }

  /** Reply lines received and not taken by replies() yet. */
  get lines(): string[] {
    return this.unread();
  }

  /** Sends one request object as a line. */
  send(request: unknown): void {
    this.write(`${JSON.stringify(request)}\n`);
  }

  /** Waits for the next `count` lines and returns them parsed (taking them). */
  async replies(count: number, timeoutMs = 5000): Promise<Array<Record<string, unknown>>> {
    const lines = await this.take(count, scaled(timeoutMs));
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** One request, one parsed reply. */
  async request(request: unknown): Promise<Record<string, unknown>> {
    this.send(request);
    const [reply] = await this.replies(1);
    return reply!;
  }

  override waitClosed(timeoutMs = 5000): Promise<void> {
    return super.waitClosed(scaled(timeoutMs));
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
