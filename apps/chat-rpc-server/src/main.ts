#!/usr/bin/env -S node --max-semi-space-size=8
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { observeService } from '@sockworks/metrics';
import { ConfigError, runServer } from '@sockworks/service';
import { openLogFileOption } from '@sockworks/service/cli';
import { serverCli } from './cli/server-options.js';
import { createChatObservability } from './server/observability.js';
import { createChatServer } from './server/server.js';
import { parseOrigins } from './server/web/origin.js';
import { createChatWebServer } from './server/web/web-server.js';

// The built web client sits next to this file in dist/ (dist/web); `pnpm dev` runs from src/ and
// serves the last build's.
const WEB_ROOT = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../dist/web/' : './web/', import.meta.url),
);

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
    webPort,
    webHost,
    webOrigins,
    webHeartbeatMs,
    metricsPort,
    metricsHost,
    logRequests,
    ...options
  } = config;
  let origins: string[];
  try {
    origins = parseOrigins(webOrigins);
  } catch (err) {
    throw new ConfigError(`--web-origins: ${(err as Error).message}`);
  }
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
        if (webPort !== undefined) {
          const web = createChatWebServer(server, {
            host: webHost ?? options.host,
            port: webPort,
            origins,
            maxRequestBytes: options.maxRequestBytes,
            heartbeatMs: webHeartbeatMs,
            maxConnections: options.maxConnections,
            closeTimeoutMs: options.closeTimeoutMs,
            requestTimeoutMs: options.messageTimeoutMs > 0 ? options.messageTimeoutMs : 30_000,
            webRoot: WEB_ROOT,
            logger,
          });
          try {
            await web.listen();
          } catch (err) {
            await server.close();
            throw err;
          }
        }
        return server;
      });
    },
  };
});
