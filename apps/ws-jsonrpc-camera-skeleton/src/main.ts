#!/usr/bin/env node
import { resolve } from 'node:path';
import { ConfigError, runServer } from '@sockworks/service';
import { openLogFileOption } from '@sockworks/service/cli';
import { parseOriginList, serverCli } from './cli/server-options.js';
import { createWsObservability } from './server/observability.js';
import { createWsRpcServer } from './server/server.js';

const NAME = 'ws-jsonrpc-camera-skeleton';

runServer(NAME, async () => {
  const { values: config } = serverCli.parse();
  if (!config.path.startsWith('/'))
    throw new ConfigError(`--path: must start with "/", got ${JSON.stringify(config.path)}`);
  if (config.authToken === '') throw new ConfigError('--auth-token: must not be empty');
  if (config.headersTimeoutMs > config.requestTimeoutMs)
    throw new ConfigError(
      `--headers-timeout: ${config.headersTimeoutMs} ms must not exceed --request-timeout (${config.requestTimeoutMs} ms)`,
    );
  const logFile = config.logFile === '' || config.logFile === 'none' ? undefined : resolve(config.logFile);
  return {
    log: { level: config.logLevel, file: await openLogFileOption(logFile, config) },
    graceMs: config.closeTimeoutMs,
    start: async (logger) => {
      const server = createWsRpcServer({
        observability: createWsObservability({ metrics: config.metrics, logRequests: config.logRequests }),
        path: config.path,
        logger,
        messageLogLevel: config.messageLogLevel,
        logMaxChars: config.logMaxChars,
        maxPayload: config.maxPayload,
        maxBufferedBytes: config.maxBufferedBytes,
        maxConnections: config.maxConnections,
        heartbeatIntervalMs: config.heartbeatIntervalMs,
        closeTimeoutMs: config.closeTimeoutMs,
        maxBatch: config.maxBatch,
        maxDepth: config.maxDepth,
        headersTimeoutMs: config.headersTimeoutMs,
        requestTimeoutMs: config.requestTimeoutMs,
        maxHeaderBytes: config.maxHeaderBytes,
        timeoutCheckIntervalMs: config.timeoutCheckIntervalMs,
        authToken: config.authToken,
        allowedOrigins: parseOriginList(config.allowedOrigins),
      });
      const address = await server.listen({ host: config.host, port: config.port });
      const port = address.kind === 'tcp' ? address.port : config.port;
      // The spec's two start-up lines, both once the port is bound: a failed start (address in use)
      // prints only its one-line error, never a "Starting" line first.
      logger.info(`Starting WebSocket JSON-RPC server on ${config.host}:${config.port}${config.path}`);
      logger.info(
        { url: server.url, logFile },
        `Server started successfully at ws://${config.host}:${port}${config.path}`,
      );
      return server;
    },
  };
});
