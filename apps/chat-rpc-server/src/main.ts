#!/usr/bin/env -S node --max-semi-space-size=8
import { resolve } from 'node:path';
import { observeService } from '@sockworks/metrics';
import { runServer } from '@sockworks/service';
import { openLogFileOption } from '@sockworks/service/cli';
import { serverCli } from './cli/server-options.js';
import { createChatObservability } from './server/observability.js';
import { createChatServer } from './server/server.js';

runServer('chat-rpc-server', async () => {
  const { values: config } = serverCli.parse();
  const logFile = config.logFile === '' ? undefined : resolve(config.logFile);
  const {
    logLevel: _level,
    logFile: _file,
    logFileSize: _size,
    logFileFrequency: _frequency,
    logFileCount: _count,
    defaultProtocol,
    metricsPort,
    metricsHost,
    logRequests,
    ...options
  } = config;
  return {
    log: { level: config.logLevel, file: await openLogFileOption(logFile, config) },
    graceMs: config.closeTimeoutMs,
    start: async (logger) => {
      const observability = createChatObservability({ metrics: metricsPort !== undefined, logRequests });
      return observeService(observability, { metricsPort, metricsHost, logger }, async () => {
        const server = createChatServer({
          ...options,
          observability,
          defaultProtocol: defaultProtocol === '1' ? 1 : 2,
          logger,
        });
        await server.listen();
        return server;
      });
    },
  };
});
