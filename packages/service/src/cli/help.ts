import type { CliSpec, OptionSpec, OptionSpecs } from './option-spec.js';
import { formatOptionValue } from './values.js';

/**
 * Renders `--help`: usage, description, every option (the spec's, then the built-in ones such as
 * `--config`) with its default and env var, examples.
 */
export function formatHelp<O extends OptionSpecs>(
  spec: CliSpec<O>,
  builtins: Readonly<Record<string, OptionSpec>>,
  defaults: ReadonlyMap<string, string | number | boolean | undefined>,
): string {
  const rows: Array<[string, string]> = [];
  const options = [...Object.entries(spec.options), ...Object.entries(builtins)] as Array<
    [string, OptionSpec]
  >;
  for (const [name, option] of options) {
    rows.push([flagColumn(option), describe(option, defaults.get(name))]);
  }
  rows.push(['-h, --help', 'Show this help and exit']);
  const width = Math.min(34, Math.max(...rows.map(([left]) => left.length)) + 2);
  const lines = [
    `Usage: ${spec.name} ${spec.usage ?? '[options]'}`,
    '',
    spec.description,
    '',
    'Options:',
    ...rows.map(([left, right]) =>
      left.length + 2 > width
        ? `  ${left}\n  ${' '.repeat(width)}${right}`
        : `  ${left.padEnd(width)}${right}`,
    ),
  ];
  if (spec.examples !== undefined && spec.examples.length > 0) {
    lines.push('', 'Examples:', ...spec.examples.map((example) => `  ${example}`));
  }
  return `${lines.join('\n')}\n`;
}

function flagColumn(option: OptionSpec): string {
  const short = option.short === undefined ? '    ' : `${option.short}, `;
  if (option.type === 'boolean') return `${short}${option.flag}, --no-${option.flag.slice(2)}`;
  const placeholder = option.placeholder ?? (option.type === 'enum' ? option.choices.join('|') : option.type);
  return `${short}${option.flag} <${placeholder}>`;
}

function describe(option: OptionSpec, value: string | number | boolean | undefined): string {
  const facts: string[] = [];
  if (value !== undefined) facts.push(`default: ${formatOptionValue(option, value)}`);
  else if (option.required === true) facts.push('required');
  if (option.env !== undefined) facts.push(`env: ${option.env}`);
  return facts.length === 0 ? option.description : `${option.description} (${facts.join(', ')})`;
}
