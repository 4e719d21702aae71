import { type ParseArgsConfig, parseArgs as tokenize } from 'node:util';
import { REDACTED } from '@sockworks/logging';
import { ConfigError } from './config-error.js';
import { configFileValues, configKey, readConfigFile } from './config-file.js';
import { closestWord } from './did-you-mean.js';
import { formatHelp } from './help.js';
import type { CliSpec, Config, OptionSpec, OptionSpecs } from './option-spec.js';
import { formatConfig } from './print-config.js';
import { normalizeDefault, parseOptionValue } from './values.js';

/** A successful parse. */
export interface ParsedCli<O extends OptionSpecs> {
  help: false;
  values: Config<O>;
  /** Arguments that are not options (and everything after `--`). */
  positionals: string[];
}

/** `--help`/`-h` or `--print-config` was given: print `text` and exit 0. */
export interface HelpRequested {
  help: true;
  /** Which one: the help, or the effective configuration (YAML). */
  kind: 'help' | 'print-config';
  text: string;
}

/** Where `parse()` writes help and how it exits (injectable for tests). */
export interface CliIo {
  stdout?: { write(text: string): unknown };
  exit?: (code: number) => void;
}

/** A CLI built by {@link defineCli}. */
export interface Cli<O extends OptionSpecs> {
  readonly spec: CliSpec<O>;
  /**
   * The options defineCli adds to the spec's, keyed by flag: `--config` and `--print-config` when
   * `configFile` is set, else none. `--help` is not among them.
   */
  readonly builtins: Readonly<Record<string, OptionSpec>>;
  /**
   * Parses flags (winning), then env vars, then the config file, then defaults. On `--help`/`-h` (or
   * `--print-config`) prints the help (or the configuration) to stdout and exits 0. Throws
   * ConfigError (one line naming the flag, env var or config key) on bad input.
   */
  parse(
    argv?: readonly string[],
    env?: NodeJS.ProcessEnv,
    io?: CliIo,
  ): { values: Config<O>; positionals: string[] };
  /** Like `parse()` but pure: returns `{ help: true, text }` instead of printing and exiting. */
  parseArgs(argv?: readonly string[], env?: NodeJS.ProcessEnv): ParsedCli<O> | HelpRequested;
  /** The `--help` text: every option with its default and env var. */
  help(): string;
}

const HELP_SHOWN = Symbol.for('@sockworks/service.HelpShown');

/** Thrown by `parse()` when an injected `exit` returns instead of ending the process. */
export class HelpShown extends Error {
  override readonly name = 'HelpShown';
  readonly [HELP_SHOWN] = true;

  /** True for a HelpShown from any copy of this package (the main and `/cli` entries may hold one each). */
  static is(value: unknown): value is HelpShown {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { [HELP_SHOWN]?: unknown })[HELP_SHOWN] === true
    );
  }
}

/**
 * Declares a CLI's options once; the parsed config type is inferred from the spec. Validates the
 * spec itself (duplicate flags, bad defaults) at once, so a broken spec fails at start-up.
 */
export function defineCli<const O extends OptionSpecs>(spec: CliSpec<O>): Cli<O> {
  const entries = Object.entries(spec.options) as Array<[string, OptionSpec]>;
  const builtins = builtinOptions(spec);
  const byFlag = new Map<string, FlagEntry>();
  const defaults = new Map<string, string | number | boolean | undefined>();
  for (const entry of [...entries, ...Object.entries(builtins)]) {
    const [name, option] = entry;
    if (!/^--[a-z0-9][a-z0-9-]*$/i.test(option.flag))
      throw new TypeError(`option ${name}: bad flag ${option.flag}`);
    if (option.short !== undefined && !/^-[a-z0-9]$/i.test(option.short)) {
      throw new TypeError(`option ${name}: bad short flag ${option.short}`);
    }
    for (const flag of [option.flag, option.short]) {
      if (flag === undefined) continue;
      if (flag === '--help' || flag === '-h' || byFlag.has(flag)) {
        throw new TypeError(`option ${name}: flag ${flag} is already taken`);
      }
      byFlag.set(flag, entry);
    }
    if (option.type === 'boolean' && byFlag.has(`--no-${option.flag.slice(2)}`)) {
      throw new TypeError(`option ${name}: --no-${option.flag.slice(2)} clashes with another flag`);
    }
    defaults.set(name, normalizeDefault(option, name));
  }
  const help = (): string => formatHelp(spec, builtins, defaults);
  const tokenizerOptions: ParseArgsOptionsConfig = Object.create(null);
  for (const [, option] of byFlag.values()) {
    tokenizerOptions[option.flag.slice(2)] = {
      type: option.type === 'boolean' ? 'boolean' : 'string',
      ...(option.short === undefined ? {} : { short: option.short.slice(1) }),
    };
  }

  const parseArgs = (
    argv: readonly string[] = process.argv.slice(2),
    env: NodeJS.ProcessEnv = process.env,
  ): ParsedCli<O> | HelpRequested => {
    // Help wins over everything else on the line, even values that would not parse.
    const end = argv.indexOf('--');
    if ((end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h')) {
      return { help: true, kind: 'help', text: help() };
    }
    const { fromFlags, positionals } = readFlags(argv, tokenizerOptions, byFlag, spec.name);
    const configSpec = builtins[CONFIG_FLAG];
    const configPath =
      configSpec === undefined ? undefined : (fromFlags.get(CONFIG_FLAG) ?? fromEnv(configSpec, env));
    const fromFile =
      configPath === undefined
        ? new Map<string, string | number | boolean>()
        : configFileValues(readConfigFile(String(configPath)), entries, String(configPath));
    const values: Record<string, string | number | boolean | undefined> = Object.create(null);
    // Where each value came from, for --print-config.
    const sources = new Map<string, string>();
    for (const [name, option] of entries) {
      let value = fromFlags.get(name);
      let source: string = option.flag;
      if (value === undefined) {
        value = fromEnv(option, env);
        source = option.env ?? source;
      }
      if (value === undefined) {
        value = fromFile.get(name);
        source = 'config file';
        if (option.secret === true && value === REDACTED) {
          const or = option.env === undefined ? '' : ` or set ${option.env}`;
          throw new ConfigError(
            `${String(configPath)}: ${configKey(option)}: "${REDACTED}" is what --print-config shows for a secret; put the real value here${or}`,
          );
        }
      }
      if (value === undefined) {
        value = defaults.get(name);
        source = 'default';
      }
      if (value === undefined && option.required === true) {
        const ways = [option.flag, ...(option.env === undefined ? [] : [option.env])];
        if (configSpec !== undefined) ways.push(`"${configKey(option)}" in the config file`);
        const via = ways.length === 1 ? ways[0] : `${ways.slice(0, -1).join(', ')} or ${ways.at(-1)}`;
        throw new ConfigError(`${option.flag} is required (set ${via})`);
      }
      values[name] = value;
      sources.set(name, source);
    }
    if (fromFlags.get(PRINT_CONFIG_FLAG) === true) {
      return { help: true, kind: 'print-config', text: formatConfig(spec.name, entries, values, sources) };
    }
    return { help: false, values: { ...values } as Config<O>, positionals };
  };

  return {
    spec,
    builtins,
    help,
    parseArgs,
    parse(argv, env, io = {}) {
      const result = parseArgs(argv, env);
      if (!result.help) return { values: result.values, positionals: result.positionals };
      (io.stdout ?? process.stdout).write(result.text);
      (io.exit ?? ((code: number) => process.exit(code)))(0);
      throw new HelpShown('help was shown');
    },
  };
}

type FlagEntry = [string, OptionSpec];
type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

const CONFIG_FLAG = '--config';
const PRINT_CONFIG_FLAG = '--print-config';

/** `--config` and `--print-config` when the spec asks for a config file; keyed by their flags. */
function builtinOptions<O extends OptionSpecs>(spec: CliSpec<O>): Record<string, OptionSpec> {
  if (spec.configFile === undefined) return {};
  return {
    [CONFIG_FLAG]: {
      type: 'path',
      flag: CONFIG_FLAG,
      ...(spec.configFile.env === undefined ? {} : { env: spec.configFile.env }),
      placeholder: 'file',
      description: 'Read options from this JSON or YAML file (flags and env vars win over it)',
    },
    [PRINT_CONFIG_FLAG]: {
      type: 'boolean',
      flag: PRINT_CONFIG_FLAG,
      description: 'Print the effective configuration as YAML (secrets redacted) and exit',
    },
  };
}

/** An option's value from its env var; an empty variable counts as unset (`VAR= cmd`). */
function fromEnv(option: OptionSpec, env: NodeJS.ProcessEnv): string | number | boolean | undefined {
  const raw = option.env === undefined ? undefined : env[option.env];
  if (raw === undefined || raw === '') return undefined;
  return parseOptionValue(option, raw, `${option.env} (${option.flag})`);
}

/**
 * Splits argv with node:util's parseArgs (tokens mode, not strict) and applies our rules on top:
 * unknown flags get a did-you-mean, `--no-<flag>` negates a boolean, a value option never takes the
 * next flag as its value, `-5` is a positional (a negative number), and each value is parsed and
 * checked by its option's type.
 */
function readFlags(
  argv: readonly string[],
  options: ParseArgsOptionsConfig,
  byFlag: ReadonlyMap<string, FlagEntry>,
  program: string,
): { fromFlags: Map<string, string | number | boolean>; positionals: string[] } {
  const fromFlags = new Map<string, string | number | boolean>();
  const positionals: string[] = [];
  const { tokens } = tokenize({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  let negativeAt = -1;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') continue;
    // parseArgs reads `-5` as a group of short flags; every token of the group shares one index.
    const raw = argv[token.index] as string;
    if (/^-\d/.test(raw)) {
      if (token.index !== negativeAt) positionals.push(raw);
      negativeAt = token.index;
      continue;
    }
    const flag = token.rawName.startsWith('--') ? `--${token.name}` : token.rawName;
    let entry = byFlag.get(flag);
    let negated = false;
    if (entry === undefined && flag.startsWith('--no-')) {
      const positive = byFlag.get(`--${flag.slice(5)}`);
      if (positive?.[1].type === 'boolean') {
        entry = positive;
        negated = true;
      }
    }
    if (entry === undefined) throw new ConfigError(unknownFlagMessage(flag, [...byFlag.keys()], program));
    const [name, option] = entry;
    if (option.type === 'boolean') {
      if (negated && token.value !== undefined) throw new ConfigError(`${flag} takes no value`);
      const value = token.value === undefined ? !negated : parseOptionValue(option, token.value, flag);
      fromFlags.set(name, value);
      continue;
    }
    // parseArgs gives `-p=4` the value "=4"; we accept the `=` form for short flags as for long ones.
    const value = !raw.startsWith('--') && raw.startsWith(`${token.rawName}=`) ? raw.slice(3) : token.value;
    // A value taken from the next argument must not be another flag (`--port --host x`).
    if (value === undefined || (token.inlineValue === false && isFlagLike(value, byFlag))) {
      throw new ConfigError(`${flag}: missing value (expected ${placeholderOf(option)})`);
    }
    fromFlags.set(name, parseOptionValue(option, value, flag));
  }
  return { fromFlags, positionals };
}

function isFlagLike(arg: string, byFlag: ReadonlyMap<string, unknown>): boolean {
  if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) return false;
  const flag = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
  return arg.startsWith('--') || byFlag.has(flag) || flag === '-h';
}

function placeholderOf(option: OptionSpec): string {
  if (option.placeholder !== undefined) return option.placeholder;
  if (option.type === 'enum') return `one of ${option.choices.join(', ')}`;
  return `a ${option.type}`;
}

function unknownFlagMessage(flag: string, known: string[], name: string): string {
  const close = closestWord(
    flag,
    known.filter((k) => k.startsWith('--')),
  );
  const hint = close === undefined ? '' : ` (did you mean ${close}?)`;
  return `unknown option ${flag}${hint}; see ${name} --help`;
}
