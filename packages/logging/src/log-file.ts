import { once } from 'node:events';
import { mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import pino, { type DestinationStream } from 'pino';

/** How often a log file rolls over by time: `none` rolls by size only (or never). */
export const LOG_FILE_FREQUENCIES = ['daily', 'hourly', 'none'] as const;
export type LogFileFrequency = (typeof LOG_FILE_FREQUENCIES)[number];

/** Options of {@link openLogFile}. */
export interface LogFileOptions {
  /** Roll over to a new file once the active one reaches this many bytes; 0: never by size. @default 0 */
  maxBytes?: number;
  /** Also roll over at local midnight (`daily`) or on the hour (`hourly`). @default 'none' */
  frequency?: LogFileFrequency;
  /** How many rolled-over files are kept besides the active one; older ones are deleted. @default 10 */
  keep?: number;
  /** File mode of a log file this creates (an existing file keeps its mode). @default 0o640 */
  mode?: number;
}

/** The defaults of {@link openLogFile}: no rotation, 10 files kept once it is on, mode 0640. */
export const LOG_FILE_DEFAULTS = {
  maxBytes: 0,
  frequency: 'none',
  keep: 10,
  mode: 0o640,
} as const satisfies Required<LogFileOptions>;

/**
 * Most bytes of log lines a file destination holds while the disk is slower than the logger; lines
 * past it are dropped (and counted on stderr once) instead of growing the heap without bound.
 */
export const LOG_FILE_MAX_BUFFER = 16 * 1024 * 1024;

/** Longest `--log-file-count` accepted: each kept file is one more directory entry to scan. */
const MAX_KEEP = 1000;

/** The date in a rolled file's name (`server.2026-03-01.1.log`), so a restart never appends to an old day. */
const DATE_FORMATS: Readonly<Record<Exclude<LogFileFrequency, 'none'>, string>> = {
  daily: 'yyyy-MM-dd',
  hourly: 'yyyy-MM-dd-HH',
};

/** The sonic-boom stream both kinds of log file are written through. */
type FileStream = DestinationStream & NodeJS.EventEmitter & { readonly fd: number };

/** pino-roll's options (it ships no types); the rest go to sonic-boom. */
interface PinoRollOptions {
  file: string;
  size?: string;
  frequency?: 'daily' | 'hourly';
  dateFormat?: string;
  limit?: { count: number; removeOtherLogFiles?: boolean };
  mode?: number;
  maxLength?: number;
  mkdir?: boolean;
}
type PinoRoll = (options: PinoRollOptions) => Promise<FileStream>;

let pinoRoll: PinoRoll | undefined;

/** pino-roll (and date-fns under it) is loaded only when a service asks for rotation. */
function loadPinoRoll(): PinoRoll {
  pinoRoll ??= createRequire(import.meta.url)('pino-roll') as PinoRoll;
  return pinoRoll;
}

function checkOptions(options: LogFileOptions): Required<LogFileOptions> {
  const merged = { ...LOG_FILE_DEFAULTS, ...options };
  if (!Number.isSafeInteger(merged.maxBytes) || merged.maxBytes < 0) {
    throw new RangeError(`log file: maxBytes must be a whole number of bytes >= 0, got ${merged.maxBytes}`);
  }
  if (!(LOG_FILE_FREQUENCIES as readonly string[]).includes(merged.frequency)) {
    throw new RangeError(
      `log file: frequency must be one of ${LOG_FILE_FREQUENCIES.join(', ')}, got ${merged.frequency}`,
    );
  }
  if (!Number.isSafeInteger(merged.keep) || merged.keep < 1 || merged.keep > MAX_KEEP) {
    throw new RangeError(`log file: keep must be an integer from 1 to ${MAX_KEEP}, got ${merged.keep}`);
  }
  return merged;
}

/** Creates the log file's directory; a failure names the directory (not a stack trace from sonic-boom). */
function makeDirectory(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw new Error(`cannot create the directory of log file ${path}: ${messageOf(err)}`, { cause: err });
  }
}

/**
 * Reports the first write error and the first dropped line on stderr. Without an 'error' listener a
 * full disk would end the service with an uncaught exception; logging must not be what stops it.
 */
function watch(stream: FileStream, path: string): FileStream {
  let reported = false;
  stream.on('error', (err: unknown) => {
    if (reported) return;
    reported = true;
    process.stderr.write(
      `@sockworks/logging: writing log file ${path} failed: ${messageOf(err)} (further errors are not reported)\n`,
    );
  });
  stream.once('drop', () => {
    process.stderr.write(
      `@sockworks/logging: log file ${path} is behind by ${LOG_FILE_MAX_BUFFER} bytes; dropping lines until it catches up\n`,
    );
  });
  return stream;
}

/**
 * The plain (non-rotating) log file, opened synchronously: `createLogger({ file: path })` uses it.
 * Opening the file here (not inside sonic-boom) makes a bad path a start-up error and the
 * destination ready at once, so flushLogger() at shutdown really reaches the file.
 */
export function openPlainLogFile(path: string, mode: number = LOG_FILE_DEFAULTS.mode): DestinationStream {
  makeDirectory(path);
  let fd: number;
  try {
    fd = openSync(path, 'a', mode);
  } catch (err) {
    throw new Error(`cannot open log file ${path}: ${messageOf(err)}`, { cause: err });
  }
  const stream = pino.destination({ dest: fd, sync: false, maxLength: LOG_FILE_MAX_BUFFER });
  return watch(stream as unknown as FileStream, path);
}

/**
 * Opens a log file for JSON lines, for `createLogger({ file })`. Without rotation (the default) lines
 * are appended to `path` itself. With `maxBytes` or a `frequency`, pino-roll writes numbered files next
 * to it (`logs/server.log` gives `logs/server.1.log`, `logs/server.2.log`, ...; with a frequency the
 * date is in the name: `logs/server.2026-03-01.1.log`), continues the newest one on restart, and
 * deletes the oldest beyond `keep`. Resolves once the file is open; a path that cannot be created or
 * written rejects with one line naming it.
 */
export async function openLogFile(path: string, options: LogFileOptions = {}): Promise<DestinationStream> {
  const { maxBytes, frequency, keep, mode } = checkOptions(options);
  const absolute = resolve(path);
  if (maxBytes === 0 && frequency === 'none') return openPlainLogFile(absolute, mode);
  makeDirectory(absolute);
  let stream: FileStream;
  try {
    stream = await loadPinoRoll()({
      file: absolute,
      ...(maxBytes > 0 ? { size: `${maxBytes}b` } : {}),
      ...(frequency === 'none' ? {} : { frequency, dateFormat: DATE_FORMATS[frequency] }),
      // Other processes' files count too, so the bound holds across restarts.
      limit: { count: keep, removeOtherLogFiles: true },
      mode,
      maxLength: LOG_FILE_MAX_BUFFER,
    });
    // pino-roll opens asynchronously: wait, so a path we cannot write is a start-up error.
    if (!(stream.fd >= 0)) await once(stream, 'ready');
  } catch (err) {
    throw new Error(`cannot open log file ${path}: ${messageOf(err)}`, { cause: err });
  }
  return watch(stream, path);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
