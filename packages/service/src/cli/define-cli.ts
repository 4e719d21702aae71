import { type ParseArgsConfig, parseArgs as tokenize } from 'node:util';
import { ConfigError } from './config-error.js';
import { formatHelp } from './help.js';
import type { CliSpec, Config, OptionSpec, OptionSpecs } from './option-spec.js';
import { normalizeDefault, parseOptionValue } from './values.js';

/** A successful parse. */
export interface ParsedCli<O extends OptionSpecs> {
  help: false;
  values: Config<O>;
  /** Arguments that are not options (and everything after `--`). */
  positionals: string[];
}

/** `--help` / `-h` was given; `text` is the help. */
export interface HelpRequested {
  help: true;
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
   * Parses flags (winning), then env vars, then defaults. On `--help`/`-h` prints the help to stdout
   * and exits 0. Throws ConfigError (one line naming the flag or env var) on bad input.
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
  const byFlag = new Map<string, FlagEntry>();
  const defaults = new Map<string, string | number | boolean | undefined>();
  for (const entry of entries) {
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
  const help = (): string => formatHelp(spec, defaults);
  const tokenizerOptions: ParseArgsOptionsConfig = Object.create(null);
  for (const [, option] of entries) {
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
      return { help: true, text: help() };
    }
    const { fromFlags, positionals } = readFlags(argv, tokenizerOptions, byFlag, spec.name);
    const values: Record<string, string | number | boolean | undefined> = Object.create(null);
    for (const [name, option] of entries) {
      let value = fromFlags.get(name);
      if (value === undefined && option.env !== undefined) {
        const raw = env[option.env];
        // An empty variable counts as unset, as in most shells' `VAR= cmd` idiom.
        if (raw !== undefined && raw !== '')
          value = parseOptionValue(option, raw, `${option.env} (${option.flag})`);
      }
      if (value === undefined) value = defaults.get(name);
      if (value === undefined && option.required === true) {
        const via = option.env === undefined ? option.flag : `${option.flag} or ${option.env}`;
        throw new ConfigError(`${option.flag} is required (set ${via})`);
      }
      values[name] = value;
    }
    return { help: false, values: { ...values } as Config<O>, positionals };
  };

  return {
    spec,
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
  const close = known.filter((k) => k.startsWith('--')).find((k) => editDistance(k, flag) <= 2);
  const hint = close === undefined ? '' : ` (did you mean ${close}?)`;
  return `unknown option ${flag}${hint}; see ${name} --help`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
