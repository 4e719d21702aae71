import { LOG_LEVELS } from '@sockworks/logging';

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
