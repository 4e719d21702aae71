/** Fields every option has. */
interface BaseOptionSpec {
  /** Long flag, e.g. `--port`. */
  flag: `--${string}`;
  /** Optional one-letter alias, e.g. `-p`. */
  short?: `-${string}`;
  /** Environment variable read when the flag is absent, e.g. `CHAT_PORT`. */
  env?: string;
  /** One line for `--help`. */
  description: string;
  /** Placeholder shown in `--help` (`--port <port>`). @default the option type */
  placeholder?: string;
  /** When true, parsing fails if no flag, env var, config file or default supplies a value. */
  required?: boolean;
  /**
   * A password or token: `--print-config` shows it as `[redacted]`, and error messages never
   * repeat its value. @default false
   */
  secret?: boolean;
}

/** A free-form string, or a filesystem path (must be non-empty). */
export interface StringOptionSpec extends BaseOptionSpec {
  type: 'string' | 'path';
  default?: string;
}

/** An integer: `int` (min/max apply), `port` (0-65535 unless narrowed). */
export interface IntOptionSpec extends BaseOptionSpec {
  type: 'int' | 'port';
  default?: number;
  min?: number;
  max?: number;
}

/** A byte size: `1048576`, `1MiB`, `64KiB`, `10kb` (KB = 1000, KiB/K = 1024). Parsed to bytes. */
export interface BytesOptionSpec extends BaseOptionSpec {
  type: 'bytes';
  default?: number | string;
  min?: number;
  max?: number;
}

/** A duration: `10000` (ms), `500ms`, `30s`, `5m`, `1h`. Parsed to milliseconds. */
export interface DurationOptionSpec extends BaseOptionSpec {
  type: 'duration';
  default?: number | string;
  min?: number;
  max?: number;
}

/** `--flag`, `--no-flag`, `--flag=false`; env `1/0/true/false/yes/no/on/off`. Defaults to false. */
export interface BooleanOptionSpec extends BaseOptionSpec {
  type: 'boolean';
  default?: boolean;
}

/** One of `choices`. */
export interface EnumOptionSpec<C extends string = string> extends BaseOptionSpec {
  type: 'enum';
  choices: readonly C[];
  default?: C;
}

/** Any option. */
export type OptionSpec =
  | StringOptionSpec
  | IntOptionSpec
  | BytesOptionSpec
  | DurationOptionSpec
  | BooleanOptionSpec
  | EnumOptionSpec;

/** The options of a CLI, keyed by the property name in the parsed config. */
export type OptionSpecs = Record<string, OptionSpec>;

/** The parsed type of one option. */
export type OptionValue<S extends OptionSpec> = S extends { type: 'boolean' }
  ? boolean
  : S extends { type: 'enum'; choices: readonly (infer C)[] }
    ? C
    : S extends { type: 'int' | 'port' | 'bytes' | 'duration' }
      ? number
      : string;

type HasValue<S> = S extends { type: 'boolean' }
  ? true
  : S extends { default: string | number | boolean }
    ? true
    : S extends { required: true }
      ? true
      : false;

/** The parsed config: options with a default (or `required`, or booleans) are never undefined. */
export type Config<O extends OptionSpecs> = {
  -readonly [K in keyof O]: HasValue<O[K]> extends true ? OptionValue<O[K]> : OptionValue<O[K]> | undefined;
};

/** What `defineCli` takes. */
export interface CliSpec<O extends OptionSpecs> {
  /** Program name, shown in usage and error lines. */
  name: string;
  /** One paragraph for `--help`. */
  description: string;
  options: O;
  /** Usage line after the name. @default '[options]' */
  usage?: string;
  /** Example command lines for `--help`. */
  examples?: readonly string[];
  /**
   * Adds `--config <file>` (JSON or YAML, keys are the long flag names without `--`; flags and env
   * vars win over it) and `--print-config`. `env` names a variable that may give the file instead of
   * the flag. @default off
   */
  configFile?: { env?: string };
}
