/**
 * Child processes that die with their test. Each child is spawned with `detached: true`, so it leads
 * a process group of its own; cleanup sends SIGKILL to that group and to every descendant found under
 * /proc (a child may put its own children into their own groups, as scripts/start.mjs does). Cleanup
 * runs when the test finishes however it ends, and when the worker exits or gets SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import type { TestContext } from 'vitest';
import { registerCleanup } from './cleanup.js';
import { DEADLINES, scaled } from './timeouts.js';
import { WaitTimeoutError } from './wait.js';

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of spawnTracked(). */
export interface SpawnTrackedOptions {
  cwd?: string;
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** 'pipe' to write to the child's stdin; default 'ignore'. */
  stdin?: 'ignore' | 'pipe';
  /** Names the process in error messages; default: the command and its last argument. */
  label?: string;
}

/** Where waitForOutput() looks. */
export type OutputStream = 'stdout' | 'stderr' | 'both';

const TAIL_LINES = 30;

/** The JSON lines of a text (other lines, and a line still being written, are skipped). */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  const entries: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      entries.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A line still being written; the next chunk completes it.
    }
  }
  return entries;
}

/** The pids of every live descendant of `root` (children first), from /proc; [] without /proc. */
export function descendantsOf(root: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const childrenOf = new Map<number, number[]>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = childrenOf.get(ppid) ?? [];
    list.push(Number(entry));
    childrenOf.set(ppid, list);
  }
  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of childrenOf.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone (ESRCH), or not a group leader when `pid` is negative.
  }
}

/** A spawned child with its output collected; killed with its whole process tree after the test. */
export class TrackedProcess {
  readonly child: ChildProcess;
  readonly label: string;
  /** Resolves when the child has exited and its stdout and stderr have ended; no deadline. */
  readonly closed: Promise<Exit>;
  #exit: Exit | undefined;
  /** Exited and its output streams ended: nothing more will arrive. */
  #ended = false;
  #stdout = '';
  #stderr = '';
  #output = '';
  #listeners = new Set<() => void>();
  #cleanup: () => void;

  constructor(command: string, args: readonly string[], options: SpawnTrackedOptions = {}) {
    this.label = options.label ?? `${basename(command)} ${args.at(-1) ?? ''}`.trim();
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      this.#stdout += text;
      this.#output += text;
      this.#wake();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.#stderr += text;
      this.#output += text;
      this.#wake();
    });
    const spawnError = new Promise<Exit>((_, reject) => {
      this.child.once('error', (error) => reject(new Error(`${this.label}: ${error.message}`)));
    });
    // Keep a failed spawn from surfacing as an unhandled rejection when nobody awaits the exit.
    spawnError.catch(() => {});
    this.child.once('exit', (code, signal) => {
      this.#exit = { code, signal };
      this.#wake();
    });
    this.closed = Promise.race([
      spawnError,
      new Promise<Exit>((resolve) => {
        this.child.once('close', (code, signal) => {
          this.#ended = true;
          this.#wake();
          resolve({ code, signal });
        });
      }),
    ]);
    this.closed.catch(() => {});
    this.#cleanup = registerCleanup((context) => this.#finish(context));
  }

  /** Everything the child wrote to stdout so far. */
  stdout(): string {
    return this.#stdout;
  }

  /** Everything the child wrote to stderr so far. */
  stderr(): string {
    return this.#stderr;
  }

  /** stdout and stderr interleaved in arrival order. */
  output(): string {
    return this.#output;
  }

  /**
   * Resolves when the child has exited and its output ended; rejects naming the child and its output
   * tail when that takes longer than the process deadline, counted from this access (so a server may
   * run as long as its test needs before the test awaits its exit).
   */
  get exited(): Promise<Exit> {
    return this.waitForExit();
  }

  /** How the child ended, or undefined while it runs. */
  get exit(): Exit | undefined {
    return this.#exit;
  }

  /** The last lines of the combined output, for error messages. */
  tail(lines = TAIL_LINES): string {
    const all = this.#output.trimEnd().split('\n');
    const shown = all.slice(-lines).join('\n');
    return all.length > lines ? `[... ${all.length - lines} earlier lines]\n${shown}` : shown;
  }

  /**
   * Resolves with the first match of `pattern` in the output (default: stdout and stderr). Rejects,
   * naming the process, the pattern and the output tail, when the child exits without printing it or
   * the deadline passes.
   */
  waitForOutput(
    pattern: RegExp | string,
    options: { timeoutMs?: number; stream?: OutputStream } = {},
  ): Promise<RegExpExecArray> {
    const regex =
      typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
    const stream = options.stream ?? 'both';
    const text = (): string =>
      stream === 'stdout' ? this.#stdout : stream === 'stderr' ? this.#stderr : this.#output;
    const where = stream === 'both' ? '' : ` on ${stream}`;
    return this.waitUntil(() => regex.exec(text()) ?? undefined, `print ${String(regex)}${where}`, options);
  }

  /**
   * Resolves with the first JSON log line on stdout that `match` accepts (e.g. `msg === 'listening'`);
   * rejects like waitForOutput(), with `what` naming the line.
   */
  waitForLogLine(
    match: (entry: Record<string, unknown>) => boolean,
    what: string,
    options: { timeoutMs?: number } = {},
  ): Promise<Record<string, unknown>> {
    return this.waitUntil(() => jsonLines(this.#stdout).find(match), `log ${what}`, options);
  }

  /**
   * Resolves with `probe()`'s first value other than undefined, probed on every output chunk. Rejects
   * with "<label> exited (...) while waiting for it to <what>" or a WaitTimeoutError, each with the output tail.
   */
  waitUntil<T>(probe: () => T | undefined, what: string, options: { timeoutMs?: number } = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? scaled(DEADLINES.process);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        let value: T | undefined;
        try {
          value = probe();
        } catch (error) {
          done();
          reject(error);
          return;
        }
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (this.#ended) {
          done();
          reject(
            new Error(
              `${this.label} exited (${this.#describeExit()}) while waiting for it to ${what}${this.#tailBlock()}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new WaitTimeoutError(
            `timed out after ${timeoutMs} ms waiting for ${this.label} to ${what}${this.#tailBlock()}`,
          ),
        );
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** Resolves when the child has exited and its output ended; rejects naming it after the deadline. */
  async waitForExit(timeoutMs = scaled(DEADLINES.process)): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new WaitTimeoutError(
              `timed out after ${timeoutMs} ms waiting for ${this.label} (pid ${this.child.pid}) to exit${this.#tailBlock()}`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.closed, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `signal` to the child only (as a supervisor would), not to its group. */
  signal(signal: NodeJS.Signals): void {
    if (!this.#exit) this.child.kill(signal);
  }

  /** SIGKILLs the child's process group and every descendant, now (the cleanup does the same). */
  kill(): void {
    this.#cleanup();
  }

  #finish(context: TestContext | undefined): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    const running = this.#exit === undefined;
    // Collected before the kill: once the child is gone, its children are re-parented and lost.
    const descendants = running ? descendantsOf(pid) : [];
    killQuietly(-pid, 'SIGKILL');
    for (const descendant of descendants) {
      killQuietly(-descendant, 'SIGKILL');
      killQuietly(descendant, 'SIGKILL');
    }
    if (running) killQuietly(pid, 'SIGKILL');
    const state = context?.task.result?.state;
    if (running && state === 'fail') {
      // The test failed (often: timed out) while this process still ran; say what it was doing.
      console.error(
        `[test-utils] ${this.label} (pid ${pid}) was still running when "${context?.task.name}" failed; ` +
          `killed its process tree${this.#tailBlock()}`,
      );
    }
  }

  #describeExit(): string {
    const exit = this.#exit;
    if (!exit) return 'still running';
    return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
  }

  #tailBlock(): string {
    const tail = this.tail();
    return tail === '' ? '; no output' : `; output tail:\n${tail}`;
  }

  #wake(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/** Spawns `command` in a process group of its own; the group is SIGKILLed when the test ends. */
export function spawnTracked(
  command: string,
  args: readonly string[],
  options: SpawnTrackedOptions = {},
): TrackedProcess {
  return new TrackedProcess(command, args, options);
}

/** What runTracked() resolves with. */
export interface RunResult extends Exit {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion (writing `input` to its stdin when given). Rejects, naming the command
 * and its output tail, when it does not exit within the deadline; the process tree is killed then.
 */
export async function runTracked(
  command: string,
  args: readonly string[],
  options: SpawnTrackedOptions & { timeoutMs?: number; input?: string } = {},
): Promise<RunResult> {
  const proc = spawnTracked(command, args, {
    ...options,
    stdin: options.input === undefined ? (options.stdin ?? 'ignore') : 'pipe',
  });
  if (options.input !== undefined) {
    proc.child.stdin?.on('error', () => {});
    proc.child.stdin?.end(options.input);
  }
  try {
    const exit = await proc.waitForExit(options.timeoutMs);
    return { ...exit, stdout: proc.stdout(), stderr: proc.stderr() };
  } finally {
    proc.kill();
  }
}

const TSX = createRequire(import.meta.url).resolve('tsx');

/** Node arguments that run a TypeScript entry from source: tsx and the sockworks-source condition. */
export function tsxArgs(entry: string, ...args: readonly string[]): string[] {
  return ['--conditions=sockworks-source', '--import', TSX, entry, ...args];
}
