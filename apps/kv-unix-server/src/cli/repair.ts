import type { Writable } from 'node:stream';
import { ConfigError, defineCli } from '@sockworks/service/cli';
import { checkDataFile, type RepairReport, repairDataFile } from '../server/persistence/repair.js';

/** Exit codes of kv-repair. */
export const REPAIR_EXIT = {
  /** Check: the server can load the file (clean, or only a torn tail). Repair: the output was written. */
  OK: 0,
  /** The input could not be read or is not a data file, or the output exists or could not be written. */
  FAILED: 1,
  /** Bad flags. */
  USAGE: 2,
  /** Check only: damage followed by valid records; the server refuses this file until it is repaired. */
  CORRUPT: 3,
} as const;

/** kv-repair's flags. */
export const repairCli = defineCli({
  name: 'kv-repair',
  description: [
    'Checks a kv-unix-server data file and salvages it. With --out, copies every valid record,',
    'including those after damaged bytes, into a NEW file (never in place; the input is only read)',
    'and reports what it skipped. With --check, only reports.',
    '',
    'Exit codes: 0 ok (check: the server can load the file; repair: the output was written),',
    '1 failure (unreadable input, not a data file, output exists), 2 usage error,',
    '3 check found damage followed by valid records (the server refuses such a file).',
  ].join('\n'),
  options: {
    dataFile: {
      type: 'path',
      flag: '--data-file',
      required: true,
      description: 'The data file to check or salvage (only read)',
    },
    out: {
      type: 'path',
      flag: '--out',
      description: 'Write the salvaged records to this new file (must not exist)',
    },
    check: {
      type: 'boolean',
      flag: '--check',
      description: 'Only report the damage; write nothing',
    },
  },
  examples: ['kv-repair --check --data-file kv.log', 'kv-repair --data-file kv.log --out kv.log.repaired'],
});

/** Streams of one kv-repair run (injectable for tests). */
export interface RepairCliIo {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stdout: Writable;
  stderr: Writable;
}

function describe(input: string, result: RepairReport): string[] {
  const lines = [
    `${input}: ${result.inputBytes} bytes, ${result.records} valid records, ${result.damaged.length} damaged region(s)`,
  ];
  for (const region of result.damaged) {
    const what =
      region.recordsAfter === 0
        ? 'torn tail, nothing valid after it'
        : `damaged, ${region.recordsAfter} valid records after it`;
    lines.push(`  skipped offset ${region.offset}: ${region.bytes} bytes (${what})`);
  }
  return lines;
}

/** Runs kv-repair; resolves with the exit code ({@link REPAIR_EXIT}). */
export function runRepairCli(io: RepairCliIo): number {
  let values: ReturnType<typeof repairCli.parse>['values'];
  try {
    const parsed = repairCli.parseArgs(io.argv, io.env);
    if (parsed.help) {
      io.stdout.write(parsed.text);
      return REPAIR_EXIT.OK;
    }
    values = parsed.values;
    if (parsed.positionals.length > 0) {
      throw new ConfigError(`unexpected argument '${parsed.positionals[0]}'`);
    }
    if ((values.out === undefined) === (values.check !== true)) {
      throw new ConfigError('give exactly one of --out FILE (salvage) or --check (report only)');
    }
  } catch (err) {
    if (!ConfigError.isConfigError(err)) throw err;
    io.stderr.write(`kv-repair: ${err.message}\n`);
    return REPAIR_EXIT.USAGE;
  }
  const input = values.dataFile;
  try {
    if (values.out === undefined) {
      const result = checkDataFile(input);
      io.stdout.write(`${describe(input, result).join('\n')}\n`);
      if (!result.corrupt) return REPAIR_EXIT.OK;
      io.stdout.write(
        `damage followed by valid records: salvage with kv-repair --data-file ${input} --out NEW\n`,
      );
      return REPAIR_EXIT.CORRUPT;
    }
    const result = repairDataFile(input, values.out);
    const lines = describe(input, result);
    lines.push(`wrote ${result.records} records (${result.outputBytes} bytes) to ${values.out}`);
    io.stdout.write(`${lines.join('\n')}\n`);
    return REPAIR_EXIT.OK;
  } catch (err) {
    io.stderr.write(`kv-repair: ${err instanceof Error ? err.message : String(err)}\n`);
    return REPAIR_EXIT.FAILED;
  }
}
