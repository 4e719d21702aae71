import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type DestinationStream, type Logger, type StreamEntry } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

/** Log levels, from most to least verbose, plus `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Service name, logged as `service` on every line. */
  service: string;
  /** Minimum level. @default process.env.LOG_LEVEL ?? 'info' */
  level?: string;
  /** Also write JSON lines to this file (its directory is created). @default undefined */
  file?: string;
  /** Human-readable output instead of JSON. @default stdout is a TTY, or LOG_PRETTY=1 */
  pretty?: boolean;
  /** Where the console output goes. @default process.stdout */
  destination?: NodeJS.WritableStream;
  /** Extra paths to redact (pino syntax); secrets such as `authorization` and `token` always are. */
  redact?: string[];
  /** Environment to read LOG_LEVEL / LOG_PRETTY from. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** Paths that never reach a log line in clear text. */
export const DEFAULT_REDACT_PATHS: readonly string[] = [
  'authorization',
  'token',
  'password',
  'secret',
  '*.authorization',
  '*.token',
  '*.password',
  '*.secret',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** Returns `level` when it is a known pino level, otherwise throws a clear error naming the value. */
export function parseLogLevel(level: string): LogLevel {
  const lower = level.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(lower)) return lower as LogLevel;
  throw new RangeError(`invalid log level "${level}" (expected one of ${LOG_LEVELS.join(', ')})`);
}

/** Creates the service's root logger: JSON to stdout by default, pretty on a TTY, optional file copy. */
export function createLogger(options: LoggerOptions): Logger {
  const env = options.env ?? process.env;
  const level = parseLogLevel(options.level ?? env.LOG_LEVEL ?? 'info');
  const console = options.destination ?? process.stdout;
  const isTty = (console as NodeJS.WriteStream).isTTY === true;
  const wantPretty = options.pretty ?? (env.LOG_PRETTY === '1' || env.LOG_PRETTY === 'true' || isTty);

  const consoleStream: DestinationStream = wantPretty
    ? pretty({
        destination: console,
        colorize: isTty,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname',
        sync: true,
      })
    : console === process.stdout
      ? pino.destination({ dest: 1, sync: false })
      : (console as DestinationStream);

  const streams: StreamEntry<LogLevel>[] = [{ level, stream: consoleStream }];
  if (options.file) {
    mkdirSync(dirname(options.file), { recursive: true });
    // Opening the file here (not inside sonic-boom) makes a bad path a start-up error and the
    // destination ready at once, so flushLogger() at shutdown really reaches the file.
    const fd = openSync(options.file, 'a');
    streams.push({ level, stream: pino.destination({ dest: fd, sync: false }) });
  }

  return pino(
    {
      level,
      base: { service: options.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...DEFAULT_REDACT_PATHS, ...(options.redact ?? [])], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    streams.length === 1 && streams[0] ? streams[0].stream : pino.multistream(streams),
  );
}

/** A logger that writes nothing: the default for libraries that were not given one. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A child logger for one connection: every line carries the connection id and remote address. */
export function connectionLogger(parent: Logger, fields: { conn: number | string; remote?: string }): Logger {
  return parent.child(
    fields.remote === undefined ? { conn: fields.conn } : { conn: fields.conn, remote: fields.remote },
  );
}

/** Cuts untrusted text to `max` characters (default 200) so one message cannot flood the log. */
export function truncateForLog(text: string, max = 200): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}…(+${text.length - max} chars)`;
}

/** The parts of a pino destination (sonic-boom, or a multistream of them) that flushing looks at. */
interface Destination {
  flushSync?: () => void;
  streams?: ReadonlyArray<{ stream: unknown }>;
  _writing?: boolean;
  once?(event: string, listener: () => void): unknown;
  off?(event: string, listener: () => void): unknown;
}

/** Longest flushLogger() waits for a write already in flight, so a stuck disk cannot hang shutdown. */
const FLUSH_WAIT_MS = 1000;

/** Resolves once a sonic-boom destination has no asynchronous write in flight (at once for others). */
function whenIdle(dest: Destination): Promise<void> {
  const { once, off } = dest;
  if (dest._writing !== true || once === undefined || off === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      for (const event of ['drain', 'error', 'close']) off.call(dest, event, done);
      resolve();
    };
    const timer = setTimeout(done, FLUSH_WAIT_MS);
    timer.unref();
    // sonic-boom emits 'drain' when its last queued write has completed.
    for (const event of ['drain', 'error', 'close']) once.call(dest, event, done);
  });
}

/** Waits until everything logged so far has been handed to the OS (call before process.exit). */
export async function flushLogger(logger: Logger): Promise<void> {
  const root = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as
    | Destination
    | undefined;
  if (root === undefined) return;
  const destinations = Array.isArray(root.streams)
    ? root.streams.map((entry) => entry.stream as Destination)
    : [root];
  // sonic-boom's flush(cb) calls back at once (minLength 0) even while an fs.write is still running,
  // and flushSync() during one would write later lines before it: so first wait for writes in flight
  // (sonic-boom keeps writing until its queue is empty), then write out anything left synchronously.
  await Promise.all(destinations.map(whenIdle));
  try {
    root.flushSync?.();
  } catch {
    // "not ready" or EAGAIN: the async flush below still runs.
  }
  await new Promise<void>((resolve) => {
    try {
      logger.flush(() => resolve());
    } catch {
      resolve();
    }
  });
}
