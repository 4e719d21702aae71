import {
  type DestinationStream,
  LOG_FILE_FREQUENCIES,
  LOG_LEVELS,
  type LogFileFrequency,
  openLogFile,
} from '@sockworks/logging';

/** `--log-level` / `LOG_LEVEL`, one of the logging package's levels, default `info`: every server's. */
export function logLevelOption<const D extends string = 'Minimum log level'>(description?: D) {
  return {
    type: 'enum',
    flag: '--log-level',
    env: 'LOG_LEVEL',
    choices: LOG_LEVELS,
    default: 'info',
    description: description ?? 'Minimum log level',
  } as const;
}

/** `--log-file` / `<PREFIX>_LOG_FILE`: where a server also appends its JSON log lines. */
export function logFileOption(env: string, description = 'Also append JSON log lines to this file') {
  return { type: 'path', flag: '--log-file', env, description } as const;
}

/**
 * `--log-file-size`, `--log-file-frequency` and `--log-file-count`, whose env vars are the log
 * file's own plus `_SIZE`, `_FREQUENCY`, `_COUNT` (`TCP_LOG_FILE_SIZE`): when `--log-file` rolls over
 * and how many old files are kept. Off by default: the log file is then the path itself.
 */
export function logRotationOptions(logFileEnv: string) {
  return {
    logFileSize: {
      type: 'bytes',
      flag: '--log-file-size',
      env: `${logFileEnv}_SIZE`,
      default: 0,
      description: 'Roll the log file over at this size, e.g. 10MiB (0 = not by size)',
    },
    logFileFrequency: {
      type: 'enum',
      flag: '--log-file-frequency',
      env: `${logFileEnv}_FREQUENCY`,
      choices: LOG_FILE_FREQUENCIES,
      default: 'none',
      description: 'Roll the log file over daily or hourly (none = not by time)',
    },
    logFileCount: {
      type: 'int',
      flag: '--log-file-count',
      env: `${logFileEnv}_COUNT`,
      default: 10,
      min: 1,
      max: 1000,
      description: 'Rolled-over log files kept besides the active one; older ones are deleted',
    },
  } as const;
}

/** The parsed values of {@link logRotationOptions}. */
export interface LogRotationValues {
  logFileSize: number;
  logFileFrequency: LogFileFrequency;
  logFileCount: number;
}

/**
 * Opens a server's log file with its rotation flags (`undefined` path: no file, resolves undefined),
 * for `createLogger({ file })`. A path that cannot be created or written rejects with one line.
 */
export async function openLogFileOption(
  path: string | undefined,
  values: LogRotationValues,
): Promise<DestinationStream | undefined> {
  if (path === undefined || path === '') return undefined;
  return openLogFile(path, {
    maxBytes: values.logFileSize,
    frequency: values.logFileFrequency,
    keep: values.logFileCount,
  });
}
