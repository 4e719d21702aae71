import { basename, extname } from 'node:path';
import { ProtocolError } from '@sockworks/error-codes';
import { createLogger, flushLogger, type Logger, type LoggerOptions } from '@sockworks/logging';
import { ConfigError } from './cli/config-error.js';
import { HelpShown } from './cli/define-cli.js';

/** Anything `runService` can drain: a NetService, a tracked HTTP server, or an app's own wrapper. */
export interface Closable {
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/** Process hooks, injectable for tests. */
export interface ProcessIo {
  /** @default process.exit */
  exit?: (code: number) => void;
  /** @default process.stderr */
  stderr?: { write(text: string): unknown };
}

/** Options of {@link runService}. */
export interface RunServiceOptions extends ProcessIo {
  /** Prefix of the one-line start-up error (`<name>: <message>`). */
  name: string;
  logger: Logger;
  /** Starts the service (parse config, listen) and returns what to close on a signal. */
  start: () => Promise<Closable>;
  /** Drain deadline passed to `close({ timeoutMs })`, read when the signal arrives. @default 10000 */
  graceMs?: number;
  /** Signals that trigger a graceful shutdown. @default ['SIGINT', 'SIGTERM'] */
  signals?: readonly NodeJS.Signals[];
  /**
   * Log an uncaught exception or unhandled rejection as `fatal`, print one line and exit 1 (instead of
   * Node's stack trace). @default true
   */
  handleUncaught?: boolean;
}

/** Exit code for a bad flag, env var or option value. */
export const EXIT_CONFIG = 2;
/** Exit code for any other failure. */
export const EXIT_FAILURE = 1;

/**
 * The `main` of a server: runs `start()`; a start-up failure prints one line (`<name>: <message>`)
 * and exits 2 (ConfigError) or 1. Then SIGINT/SIGTERM log, drain with `close({ timeoutMs: graceMs })`,
 * flush the logger and exit 0; a second signal exits 1 at once. Resolves once the service is up.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  const { name, logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const stderr = options.stderr ?? process.stderr;
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  let service: Closable | undefined;
  let stopRequested: NodeJS.Signals | undefined;
  let exited = false;

  const finish = async (code: number): Promise<void> => {
    if (exited) return;
    exited = true;
    await flushLogger(logger);
    for (const s of signals) process.off(s, onSignal);
    if (options.handleUncaught !== false) {
      process.off('uncaughtException', onFatal);
      process.off('unhandledRejection', onFatal);
    }
    exit(code);
  };

  const stop = (signal: NodeJS.Signals, running: Closable): void => {
    // Read now, not at start: apps often learn their grace period while parsing config inside start().
    const graceMs = options.graceMs ?? 10_000;
    // close() first: a service stops accepting inside the call, so by the time "shutting down" can be
    // read from the log, new connections are already refused.
    const closing = running.close({ timeoutMs: graceMs });
    logger.info({ signal, graceMs }, 'shutting down');
    closing.then(
      () => {
        logger.info('stopped');
        return finish(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'close failed');
        stderr.write(`${name}: shutdown failed: ${oneLine(err)}\n`);
        return finish(EXIT_FAILURE);
      },
    );
  };

  function onSignal(signal: NodeJS.Signals): void {
    if (stopRequested !== undefined) {
      logger.warn({ signal }, 'second signal: exiting now');
      stderr.write(`${name}: ${signal} again, exiting without waiting for connections\n`);
      exited = true;
      exit(EXIT_FAILURE);
      return;
    }
    stopRequested = signal;
    // A signal during start() is honoured once start() has returned something to close.
    if (service !== undefined) stop(signal, service);
    else logger.info({ signal }, 'signal received while starting; stopping once started');
  }

  function onFatal(err: unknown): void {
    // Last resort: an exception escaped an event callback. Log it in full, print one line, exit 1.
    logger.fatal({ err }, 'uncaught error');
    if (!exited) stderr.write(`${name}: fatal: ${oneLine(err)}\n`);
    void finish(EXIT_FAILURE);
  }

  for (const signal of signals) process.on(signal, onSignal);
  if (options.handleUncaught !== false) {
    process.on('uncaughtException', onFatal);
    process.on('unhandledRejection', onFatal);
  }
  try {
    service = await options.start();
  } catch (err) {
    if (HelpShown.is(err)) return void (await finish(0));
    logger.debug({ err }, 'start failed');
    stderr.write(`${name}: ${oneLine(err)}\n`);
    await finish(exitCodeFor(err));
    return;
  }
  if (stopRequested !== undefined && !exited) stop(stopRequested, service);
}

/**
 * The `main` of a client bin: runs `main()`; a ConfigError prints one line and exits 2, any other
 * error one line and exit 1. No stack traces (set DEBUG_STACK=1 to get them).
 */
export function runCli(main: () => Promise<void>, options: ProcessIo & { name?: string } = {}): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const stderr = options.stderr ?? process.stderr;
  const name = options.name ?? programName();
  main().then(
    () => {},
    (err: unknown) => {
      if (HelpShown.is(err)) return;
      if (process.env.DEBUG_STACK === '1' && err instanceof Error && err.stack)
        stderr.write(`${err.stack}\n`);
      stderr.write(`${name}: ${oneLine(err)}\n`);
      exit(exitCodeFor(err));
    },
  );
}

/** What a server's main reads from its flags and env, for {@link runServer}. */
export interface ServerSetup {
  /** Options of the root logger (its `service` is the server's name): level, log file. */
  log: Omit<LoggerOptions, 'service'>;
  /** Drain deadline on SIGINT/SIGTERM. @default 10000 (runService's) */
  graceMs?: number;
  /** Creates the server with `logger`, listens, and returns what to close on a signal. */
  start(logger: Logger): Promise<Closable>;
}

/** Test hooks of {@link runServer}: those of runService. */
export type RunServerIo = ProcessIo & Pick<RunServiceOptions, 'signals' | 'handleUncaught'>;

/**
 * The whole `main` of a server, in the order every app needs: `setup()` reads flags and env and opens
 * the log file (a ConfigError is one line and exit 2, `--help` exits 0), then the root logger is created
 * from it, then runService() starts the server and drains it on SIGINT/SIGTERM.
 */
export function runServer(
  name: string,
  setup: () => ServerSetup | Promise<ServerSetup>,
  io: RunServerIo = {},
): void {
  runCli(
    async () => {
      const config = await setup();
      const logger = createLogger({ ...config.log, service: name });
      await runService({ ...io, name, logger, graceMs: config.graceMs, start: () => config.start(logger) });
    },
    { ...io, name },
  );
}

/** 2 for configuration errors, 1 for everything else. */
export function exitCodeFor(err: unknown): number {
  return ConfigError.isConfigError(err) ? EXIT_CONFIG : EXIT_FAILURE;
}

/** The error's message on one line (never a stack trace). */
export function oneLine(err: unknown): string {
  const message = err instanceof Error || ProtocolError.is(err) ? (err as Error).message : String(err);
  return message.replace(/\s*\n\s*/g, ' ').trim() || 'unknown error';
}

function programName(): string {
  const script = process.argv[1];
  if (script === undefined) return 'cli';
  return basename(script, extname(script));
}
