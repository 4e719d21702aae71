/**
 * `--config <file>`: a JSON or YAML mapping from option keys (the long flag without `--`, as on the
 * command line: `max-frame-bytes`) to typed values, checked by the same parsers as flags and env vars.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from './config-error.js';
import { closestWord } from './did-you-mean.js';
import type { OptionSpec } from './option-spec.js';
import { parseOptionValue } from './values.js';

/** Largest config file read: a config is a few kilobytes, so anything near this is a mistake. */
export const CONFIG_FILE_MAX_BYTES = 1024 * 1024;

/** A config file's format: JSON, or YAML 1.2. */
export type ConfigFormat = 'json' | 'yaml';

/** The file formats, by file name extension. */
const FORMATS: Readonly<Record<string, ConfigFormat>> = {
  '.json': 'json',
  '.yaml': 'yaml',
  '.yml': 'yaml',
};

/** Most YAML aliases expanded (the yaml package's default): a "billion laughs" file fails fast. */
const MAX_ALIASES = 100;

type Value = string | number | boolean;

/** The key of an option in a config file: its long flag without the dashes (`--max-keys` -> `max-keys`). */
export function configKey(option: OptionSpec): string {
  return option.flag.slice(2);
}

/**
 * Reads `path` (a regular file of at most {@link CONFIG_FILE_MAX_BYTES}, UTF-8) and parses it as JSON
 * (`*.json`) or YAML (`*.yaml`, `*.yml`). Returns the top-level mapping; an empty YAML file is an
 * empty mapping. Every failure is a one-line ConfigError naming the file (and the line and column
 * of a syntax error).
 */
export function readConfigFile(path: string): Map<string, unknown> {
  const format = FORMATS[extname(path).toLowerCase()];
  if (format === undefined) return failFor(path)('unknown format: name it *.json, *.yaml or *.yml');
  return parseConfigText(readBounded(path, failFor(path)), format, path);
}

/**
 * Parses the bytes (or text) of a config file as `format`; `path` names it in errors. Returns the
 * top-level mapping, like {@link readConfigFile}.
 */
export function parseConfigText(
  content: Uint8Array | string,
  format: ConfigFormat,
  path: string,
): Map<string, unknown> {
  const fail = failFor(path);
  let text: string;
  try {
    // fatal: a config with broken UTF-8 is refused, not read with U+FFFD in a value; a BOM is dropped.
    text = typeof content === 'string' ? content : new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch (err) {
    return fail('not valid UTF-8', err);
  }
  const data = format === 'json' ? parseJson(text, fail) : parseYaml(text, fail);
  if (data === null && format === 'yaml') return new Map();
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail(`expected a mapping of option keys to values at the top level, got ${describe(data)}`);
  }
  return new Map(Object.entries(data));
}

/**
 * Checks every key and value of a config file against `options` (name -> spec) and returns the
 * parsed values by option name. An unknown key, or a value of the wrong type or out of range, is a
 * ConfigError naming the file and the key, with the same wording as for a flag.
 */
export function configFileValues(
  data: ReadonlyMap<string, unknown>,
  options: ReadonlyArray<[string, OptionSpec]>,
  path: string,
): Map<string, Value> {
  const byKey = new Map(options.map(([name, option]) => [configKey(option), [name, option] as const]));
  const values = new Map<string, Value>();
  for (const [key, raw] of data) {
    const entry = byKey.get(key);
    if (entry === undefined) throw new ConfigError(unknownKeyMessage(path, key, [...byKey.keys()]));
    const [name, option] = entry;
    values.set(name, fileValue(option, raw, `${path}: ${key}`));
  }
  return values;
}

/**
 * A file value through the option's own parser. Types are strict, so YAML cannot change a value's
 * meaning behind the user's back (`socket-mode: 0660` is the number 660 in YAML 1.2): strings for
 * string, path and enum options; numbers for int and port; a number or a string with a unit for
 * bytes and durations; true/false for booleans.
 */
function fileValue(option: OptionSpec, raw: unknown, source: string): Value {
  const fail = (expected: string): never => {
    const got = option.secret === true ? typeName(raw) : describe(raw);
    throw new ConfigError(`${source}: expected ${expected}, got ${got}`);
  };
  switch (option.type) {
    case 'string':
    case 'path':
    case 'enum':
      if (typeof raw !== 'string') return fail(typeof raw === 'number' ? 'a string (quote it)' : 'a string');
      return parseOptionValue(option, raw, source);
    case 'boolean':
      if (typeof raw !== 'boolean') return fail('true or false');
      return raw;
    case 'int':
    case 'port':
      if (typeof raw !== 'number') return fail('a number');
      return parseOptionValue(option, String(raw), source);
    case 'bytes':
    case 'duration':
      if (typeof raw !== 'number' && typeof raw !== 'string') {
        return fail(
          option.type === 'bytes' ? 'a byte size (1048576 or "1MiB")' : 'a duration (30000 or "30s")',
        );
      }
      return parseOptionValue(option, String(raw), source);
  }
}

type Fail = (what: string, cause?: unknown) => never;

function failFor(path: string): Fail {
  return (what, cause) => {
    throw new ConfigError(`config file ${path}: ${what}`, { cause });
  };
}

/** Reads at most one byte more than the limit, from a regular file only (a FIFO could block forever). */
function readBounded(path: string, fail: Fail): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'not found' : messageOf(err), err);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) fail('not a regular file');
    const tooBig = `over the ${CONFIG_FILE_MAX_BYTES}-byte limit`;
    if (stat.size > CONFIG_FILE_MAX_BYTES) fail(`${stat.size} bytes, ${tooBig}`);
    // The file may grow between fstat and read: read to the limit plus one byte and check again.
    const buffer = Buffer.alloc(CONFIG_FILE_MAX_BYTES + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) fail(tooBig);
    }
    return buffer.subarray(0, length);
  } catch (err) {
    if (ConfigError.isConfigError(err)) throw err;
    return fail(messageOf(err), err);
  } finally {
    closeSync(fd);
  }
}

function parseJson(text: string, fail: Fail): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8 says "... at position 9" for most errors, nothing for "Unexpected end of JSON input".
    // Node 22+ adds its own " (line 3 column 3)"; it is dropped so every version words it alike.
    const message = oneLine(messageOf(err)).replace(/ \(line \d+ column \d+\)$/, '');
    const at = /at position (\d+)/.exec(message);
    const position = at ? Number(at[1]) : /end of JSON/i.test(message) ? text.length : undefined;
    const where = position === undefined ? '' : ` (${lineColumn(text, position)})`;
    return fail(`invalid JSON: ${message}${where}`, err);
  }
}

function parseYaml(text: string, fail: Fail): unknown {
  const lineCounter = new LineCounter();
  let data: unknown;
  try {
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const [error] = doc.errors;
    if (error !== undefined) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return fail(`invalid YAML: ${oneLine(error.message)} (line ${line}, column ${col})`, error);
    }
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    if (ConfigError.isConfigError(err)) throw err;
    // Excessive aliases, or nesting deep enough to exhaust the stack.
    return fail(`invalid YAML: ${oneLine(messageOf(err))}`, err);
  }
  return data;
}

function unknownKeyMessage(path: string, key: string, known: string[]): string {
  // Common slips: the camelCase property name, or the flag with its dashes.
  const kebab = key.replace(/^-+/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const close = known.includes(kebab) ? kebab : closestWord(key, known);
  const hint = close === undefined ? '' : ` (did you mean "${close}"?)`;
  return `${path}: unknown key ${JSON.stringify(key)}${hint}; keys are the long flag names without "--"`;
}

function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return `line ${line}, column ${position - before.lastIndexOf('\n')}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

/** `the number 660`, `the string "x"`, `a list`: what a value is, cut short for a one-line message. */
function describe(value: unknown): string {
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  return typeName(value);
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
