#!/usr/bin/env node
import { runServer } from '@sockworks/service';
import { openLogFileOption } from '@sockworks/service/cli';
import { serverCli, serverOptionsFromConfig } from './cli/server-options.js';
import { createKvServer } from './server/server.js';

runServer('kv-unix-server', async () => {
  const { values } = serverCli.parse();
  const options = serverOptionsFromConfig(values);
  return {
    log: { level: values.logLevel, file: await openLogFileOption(values.logFile, values) },
    graceMs: values.closeTimeout,
    start: async (logger) => {
      const server = createKvServer({ ...options, logger });
      await server.listen();
      return server;
    },
  };
});
