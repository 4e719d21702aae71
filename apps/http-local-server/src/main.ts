#!/usr/bin/env node
import { createLogger } from '@sockworks/logging';
import { runCli, runService } from '@sockworks/service';
import { openLogFileOption } from '@sockworks/service/cli';
import { listenTargetOf, serverCli, serverOptionsOf } from './cli/server-options.js';
import { createHttpLocalServer } from './server/server.js';

const NAME = 'http-local-server';

async function main(): Promise<void> {
  // Bad flags or env vars throw ConfigError here: runCli prints one line and exits 2.
  const { values } = serverCli.parse();
  const options = serverOptionsOf(values);
  const target = listenTargetOf(values);
  const logger = createLogger({
    service: NAME,
    level: values.logLevel,
    file: await openLogFileOption(values.logFile, values),
  });
  await runService({
    name: NAME,
    logger,
    graceMs: options.closeTimeoutMs,
    start: async () => {
      const server = createHttpLocalServer({ ...options, logger });
      await server.listen(target);
      return server;
    },
  });
}

runCli(main, { name: NAME });
