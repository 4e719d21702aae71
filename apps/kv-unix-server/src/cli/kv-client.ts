#!/usr/bin/env node
import { runKvClientCli } from './run.js';

runKvClientCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`kv-client: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
