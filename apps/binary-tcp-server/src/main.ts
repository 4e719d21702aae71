#!/usr/bin/env -S node --max-semi-space-size=8
/**
 * Server entry: flags/env -> options, listen, drain on SIGINT/SIGTERM. The shebang caps V8's young
 * generation at 8 MiB semi-spaces: with the default (16 MiB) a burst of 10k connections grows RSS by
 * ~1 KB per connection more (see README, Performance).
 */
import { observeService } from '@sockworks/metrics';
import { runServer } from '@sockworks/service';
import { openLogFileOption } from '@sockworks/service/cli';
import { serverCli } from './cli/server-options.js';
import { createTcpObservability } from './server/observability.js';
import { createTcpServer } from './server/server.js';

runServer('binary-tcp-server', async () => {
  const { values } = serverCli.parse();
  return {
    log: { level: values.logLevel, file: await openLogFileOption(values.logFile, values) },
    graceMs: values.shutdownGraceMs,
    start: async (logger) => {
      const observability = createTcpObservability({
        metrics: values.metricsPort !== undefined,
        logRequests: values.logRequests,
      });
      const metrics = { metricsPort: values.metricsPort, metricsHost: values.metricsHost, logger };
      return observeService(observability, metrics, async () => {
        const server = createTcpServer({
          observability,
          host: values.host,
          port: values.port,
          maxFrameBytes: values.maxFrameBytes,
          maxOutputQueueBytes: values.maxOutputQueueBytes,
          maxConnections: values.maxConnections,
          maxDepth: values.maxDepth,
          heartbeatIntervalMs: values.heartbeatIntervalMs,
          heartbeatTimeoutMs: values.heartbeatTimeoutMs,
          messageTimeoutMs: values.messageTimeoutMs,
          partialBudgetBytes: values.partialBudgetBytes,
          closeTimeoutMs: values.shutdownGraceMs,
          halfCloseTimeoutMs: values.halfCloseTimeoutMs,
          logger,
        });
        await server.listen();
        return server;
      });
    },
  };
});
