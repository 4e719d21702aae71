#!/usr/bin/env node
import { createLogger } from '@sockworks/logging';
import { runCli, runService } from '@sockworks/service';
import { openLogFileOption } from '@sockworks/service/cli';
import { serverCli, serverOptionsFromConfig } from './cli/server-options.js';
import { createKvServer } from './server/server.js';

runCli(
  async () => {
    const { values } = serverCli.parse();
    const options = serverOptionsFromConfig(values);
    const logger = createLogger({
      service: 'kv-unix-server',
      level: values.logLevel,
      file: await openLogFileOption(values.logFile, values),
    });
    await runService({
      name: 'kv-unix-server',
      logger,
      graceMs: values.closeTimeout,
      start: async () => {
        const server = createKvServer({ ...options, logger });
        await server.listen();
        return server;
      },
    });
  },
  { name: 'kv-unix-server' },
);
