#!/usr/bin/env node
import { observeService } from '@sockworks/metrics';
import { runServer } from '@sockworks/service';
import { openLogFileOption } from '@sockworks/service/cli';
import { serverCli, serverOptionsFromConfig } from './cli/server-options.js';
import { createKvObservability } from './server/observability.js';
import { openRedisStore } from './server/redis/open.js';
import { createKvServer, KV_SERVER_DEFAULTS } from './server/server.js';

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
      const storage =
        values.redisUrl === undefined
          ? undefined
          : await openRedisStore({
              url: values.redisUrl,
              cluster: values.redisCluster === true,
              prefix: values.redisPrefix,
              connectTimeoutMs: values.redisConnectTimeout,
              commandTimeoutMs: values.redisCommandTimeout,
              limits: {
                maxKeyBytes: options.maxKeyBytes ?? KV_SERVER_DEFAULTS.maxKeyBytes,
                maxKeys: options.maxKeys ?? KV_SERVER_DEFAULTS.maxKeys,
                maxTotalBytes: options.maxStorageBytes ?? KV_SERVER_DEFAULTS.maxStorageBytes,
              },
              logger,
            });
      return observeService(observability, metrics, async () => {
        const server = createKvServer({ ...options, logger, observability, storage });
        await server.listen();
        return server;
      });
    },
  };
});
