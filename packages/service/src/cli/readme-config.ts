import { ConfigError } from './config-error.js';
import { type ConfigFormat, configFileValues, parseConfigText } from './config-file.js';
import type { Cli } from './define-cli.js';
import type { OptionSpec, OptionSpecs } from './option-spec.js';

/** A fenced code block: its language (the info string) and text. */
export interface CodeBlock {
  lang: string;
  text: string;
}

const FORMAT_OF: Readonly<Record<string, ConfigFormat>> = { json: 'json', yaml: 'yaml', yml: 'yaml' };

/**
 * The first fenced code block after the line `heading` and before the next heading. Throws when the
 * heading or the block is missing, so a renamed section fails loudly.
 */
export function readCodeBlock(markdown: string, heading: string): CodeBlock {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start === -1) throw new Error(`no heading "${heading}"`);
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^#{1,6} /.test(line)) break;
    const fence = /^(`{3,})\s*(\S*)/.exec(line);
    if (fence === null) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith(fence[1] as string));
    if (end === -1) throw new Error(`unclosed code block after "${heading}"`);
    return { lang: fence[2] ?? '', text: `${lines.slice(i + 1, end).join('\n')}\n` };
  }
  throw new Error(`no code block after "${heading}"`);
}

/**
 * Checks a README's example config file (the first `yaml` or `json` block after `heading`) against a
 * CLI, the way `--config` would read it: [] when every key and value is accepted, else the one-line
 * error. Every app's tests use it next to {@link optionTableProblems}.
 */
export function configExampleProblems<O extends OptionSpecs>(
  markdown: string,
  heading: string,
  cli: Cli<O>,
): string[] {
  if (Object.keys(cli.builtins).length === 0) return [`${cli.spec.name} has no --config`];
  const block = readCodeBlock(markdown, heading);
  const format = FORMAT_OF[block.lang];
  if (format === undefined)
    return [`the example after "${heading}" is ${block.lang || 'untagged'}, not yaml or json`];
  try {
    const data = parseConfigText(block.text, format, `README example (${block.lang})`);
    if (data.size === 0) return ['the example sets nothing'];
    configFileValues(data, Object.entries(cli.spec.options) as Array<[string, OptionSpec]>, 'README example');
  } catch (err) {
    if (ConfigError.isConfigError(err)) return [err.message];
    throw err;
  }
  return [];
}
