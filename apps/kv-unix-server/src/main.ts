#!/usr/bin/env node
import { observeService } from '@sockworks/metrics';
import { runServer } from '@sockworks/service';
import { openLogFileOption } from '@sockworks/service/cli';
import { serverCli, serverOptionsFromConfig } from './cli/server-options.js';
import { createKvObservability } from './server/observability.js';
import { createKvServer } from './server/server.js';

runServer('kv-unix-server', async () => {
  const { values } = serverCli.parse();
  const options = serverOptionsFromConfig(values);
  return {
    log: { level: values.logLevel, file: await openLogFileOption(values.logFile, values) },
    graceMs: values.closeTimeout,
    start: async (logger) => {
      const observability = createKvObservability({
        metrics: values.metricsPort !== undefined,
        logRequests: values.logRequests,
      });
      const metrics = { metricsPort: values.metricsPort, metricsHost: values.metricsHost, logger };
      return observeService(observability, metrics, async () => {
        const server = createKvServer({ ...options, logger, observability });
        await server.listen();
        return server;
      });
    },
  };
});
