#!/usr/bin/env node
import { runCli } from '@sockworks/service';
import { testClientCli } from './test-client-config.js';
import { runTestSuite } from './test-suite.js';

const NAME = 'ws-test-client';

runCli(
  async () => {
    const { values } = testClientCli.parse();
    const passed = await runTestSuite({
      url: values.url,
      simple: values.simple,
      thresholdMs: values.thresholdMs,
      timeoutMs: values.timeoutMs,
      authToken: values.authToken,
      print: (line) => process.stdout.write(`${line}\n`),
    });
    process.exitCode = passed ? 0 : 1;
  },
  { name: NAME },
);
