import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger, type StreamEntry } from 'pino';
import type { PrettyOptions } from 'pino-pretty';
import { openPlainLogFile } from './log-file.js';
import { REDACTED, redactHttpText } from './redact.js';

export type { DestinationStream, Logger } from 'pino';

/** Log levels, from most to least verbose, plus `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Service name, logged as `service` on every line. */
  service: string;
  /** Minimum level. @default process.env.LOG_LEVEL ?? 'info' */
  level?: string;
  /**
   * Also write JSON lines to this file: a path (appended to, directory created, mode 0640 when new;
   * a bad path throws at once) or a stream from {@link openLogFile} (which can rotate).
   * @default undefined
   */
  file?: string | DestinationStream;
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
  'headers.cookie',
  'headers["proxy-authorization"]',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'access_token',
  'api_key',
  'apiKey',
  '*.access_token',
  '*.api_key',
  '*.apiKey',
];

/**
 * Top-level fields that hold what a client sent (a URL or request target, a raw request excerpt):
 * their string values are logged through {@link redactHttpText}, so `?token=` values and
 * `Authorization` lines never reach a log line, whichever app logs them.
 */
export const URL_LOG_FIELDS: readonly string[] = ['url', 'path', 'target', 'input', 'output', 'req.url'];

const URL_FIELD_KEYS = new Set(URL_LOG_FIELDS.map((field) => field.slice(field.lastIndexOf('.') + 1)));

/** pino's censor: URL-like fields keep their text with the secrets replaced, the rest is replaced whole. */
function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1];
  if (key !== undefined && URL_FIELD_KEYS.has(key) && path.length <= 2) {
    return typeof value === 'string' ? redactHttpText(value) : value;
  }
  return REDACTED;
}

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

  const prettyStream = wantPretty ? loadPretty(console, isTty, env) : undefined;
  const consoleStream: DestinationStream =
    prettyStream ??
    (console === process.stdout
      ? pino.destination({ dest: 1, sync: false })
      : (console as DestinationStream));

  const streams: StreamEntry<LogLevel>[] = [{ level, stream: consoleStream }];
  if (typeof options.file === 'string' && options.file !== '') {
    streams.push({ level, stream: openPlainLogFile(options.file) });
  } else if (typeof options.file === 'object') {
    streams.push({ level, stream: options.file });
  }

  return pino(
    {
      level,
      base: { service: options.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...DEFAULT_REDACT_PATHS, ...URL_LOG_FIELDS, ...(options.redact ?? [])], censor },
      formatters: { level: (label) => ({ level: label }) },
    },
    streams.length === 1 && streams[0] ? streams[0].stream : pino.multistream(streams),
  );
}

type PrettyFactory = (options: PrettyOptions) => DestinationStream;

let prettyFactory: PrettyFactory | null | undefined;

/**
 * pino-pretty is an optional peer dependency, loaded on first use: production (JSON) never loads it,
 * and a consumer that never logs to a terminal need not install it. Without it, output stays JSON
 * and one line on stderr says why.
 */
function loadPretty(
  destination: NodeJS.WritableStream,
  colorize: boolean,
  env: NodeJS.ProcessEnv,
): DestinationStream | undefined {
  if (prettyFactory === undefined) {
    try {
      const required = createRequire(import.meta.url)('pino-pretty') as
        | PrettyFactory
        | { default: PrettyFactory };
      prettyFactory = typeof required === 'function' ? required : required.default;
    } catch {
      prettyFactory = null;
      process.stderr.write('@sockworks/logging: pino-pretty is not installed, logging JSON instead\n');
    }
  }
  if (prettyFactory === null) return undefined;
  return prettyFactory({
    destination,
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    // One line per event; the service name is left out when a launcher already prefixes it.
    singleLine: true,
    ignore: env.LOG_PREFIXED === '1' ? 'pid,hostname,service' : 'pid,hostname',
    sync: true,
  });
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
