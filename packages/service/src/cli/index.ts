/**
 * `@sockworks/service/cli`: declare a command line once (flags, environment variables, defaults),
 * parse it on node:util's parseArgs, print `--help`, and check a README's option table against it.
 */
export { ConfigError } from './config-error.js';
export { CONFIG_FILE_MAX_BYTES } from './config-file.js';
export {
  type Cli,
  type CliIo,
  defineCli,
  type HelpRequested,
  HelpShown,
  type ParsedCli,
} from './define-cli.js';
export {
  type LogRotationValues,
  logFileOption,
  logLevelOption,
  logRotationOptions,
  openLogFileOption,
} from './log-options.js';
export { logRequestsOption, metricsEndpointOption, metricsOptions } from './observability-options.js';
export type {
  BooleanOptionSpec,
  BytesOptionSpec,
  CliSpec,
  Config,
  DurationOptionSpec,
  EnumOptionSpec,
  IntOptionSpec,
  OptionSpec,
  OptionSpecs,
  OptionValue,
  StringOptionSpec,
} from './option-spec.js';
export { type CodeBlock, configExampleProblems, readCodeBlock } from './readme-config.js';
export { type OptionTableRow, optionTableProblems, readOptionTable } from './readme-table.js';
export { printAbovePrompt } from './terminal.js';
export { formatBytes, formatDuration } from './values.js';
