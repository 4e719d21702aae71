#!/usr/bin/env node
import { runServer } from '@sockworks/service';
import { openLogFileOption } from '@sockworks/service/cli';
import { listenTargetOf, serverCli, serverOptionsOf } from './cli/server-options.js';
import { createHttpObservability } from './server/observability.js';
import { createHttpLocalServer } from './server/server.js';

runServer('http-local-server', async () => {
  // Bad flags or env vars throw ConfigError here: one line and exit 2.
  const { values } = serverCli.parse();
  const options = serverOptionsOf(values);
  const target = listenTargetOf(values);
  return {
    log: { level: values.logLevel, file: await openLogFileOption(values.logFile, values) },
    graceMs: options.closeTimeoutMs,
    start: async (logger) => {
      const observability = createHttpObservability({
        metrics: values.metrics,
        logRequests: values.logRequests,
      });
      const server = createHttpLocalServer({ ...options, logger, observability });
      await server.listen(target);
      return server;
    },
  };
});
