#!/usr/bin/env node
import { runServer } from '@sockworks/service';
import { serverCli, serverOptionsFromConfig } from './cli/server-options.js';
import { createKvServer } from './server/server.js';

runServer('kv-unix-server', () => {
  const { values } = serverCli.parse();
  const options = serverOptionsFromConfig(values);
  return {
    log: { level: values.logLevel, file: values.logFile },
    graceMs: values.closeTimeout,
    start: async (logger) => {
      const server = createKvServer({ ...options, logger });
      await server.listen();
      return server;
    },
  };
});
