#!/usr/bin/env node
import { runRepairCli } from './repair.js';

try {
  process.exitCode = runRepairCli({
    argv: process.argv.slice(2),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
  });
} catch (err) {
  process.stderr.write(`kv-repair: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
