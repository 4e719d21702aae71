import { REDACTED } from '@sockworks/logging';
import { stringify } from 'yaml';
import { configKey } from './config-file.js';
import type { OptionSpec } from './option-spec.js';
import { formatBytes, formatDuration } from './values.js';

type Value = string | number | boolean;

/**
 * `--print-config`: the effective configuration as YAML that `--config` reads back (keys as in a
 * config file, sizes and durations with units), each line commented with where its value came from.
 * Secrets are shown as `[redacted]`; options without a value are listed as comments.
 */
export function formatConfig(
  program: string,
  options: ReadonlyArray<[string, OptionSpec]>,
  values: Readonly<Record<string, Value | undefined>>,
  sources: ReadonlyMap<string, string>,
): string {
  const lines = [
    `# Effective configuration of ${program} (--print-config).`,
    '# Flags win over env vars, env vars over the config file, the file over defaults.',
    `# Usable as a --config file; secrets show as "${REDACTED}": give them by env var instead.`,
  ];
  for (const [name, option] of options) {
    const value = values[name];
    const key = configKey(option);
    if (value === undefined) {
      lines.push(`# ${key}: (not set)`);
      continue;
    }
    const shown = option.secret === true ? REDACTED : withUnit(option, value);
    lines.push(`${key}: ${scalar(shown)}  # ${sources.get(name) ?? 'default'}`);
  }
  return `${lines.join('\n')}\n`;
}

function withUnit(option: OptionSpec, value: Value): Value {
  if (option.type === 'bytes' && typeof value === 'number') return formatBytes(value);
  if (option.type === 'duration' && typeof value === 'number') return formatDuration(value);
  return value;
}

/** A YAML scalar on one line: quoted by the yaml package where YAML would read it otherwise. */
function scalar(value: Value): string {
  const text = stringify(value, { lineWidth: 0 }).trimEnd();
  // A multi-line string comes out as a block scalar; a JSON string is a valid one-line YAML scalar.
  return text.includes('\n') ? JSON.stringify(value) : text;
}
