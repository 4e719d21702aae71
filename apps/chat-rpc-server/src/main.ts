#!/usr/bin/env -S node --max-semi-space-size=8
import { resolve } from 'node:path';
import { createLogger } from '@sockworks/logging';
import { runCli, runService } from '@sockworks/service';
import { openLogFileOption } from '@sockworks/service/cli';
import { serverCli } from './cli/server-options.js';
import { createChatServer } from './server/server.js';

const NAME = 'chat-rpc-server';

async function main(): Promise<void> {
  const { values: config } = serverCli.parse();
  const logFile = config.logFile === '' ? undefined : resolve(config.logFile);
  const logger = createLogger({
    service: NAME,
    level: config.logLevel,
    file: await openLogFileOption(logFile, config),
  });
  await runService({
    name: NAME,
    logger,
    graceMs: config.closeTimeoutMs,
    start: async () => {
      const {
        logLevel: _level,
        logFile: _file,
        logFileSize: _size,
        logFileFrequency: _frequency,
        logFileCount: _count,
        ...options
      } = config;
      const server = createChatServer({ ...options, logger });
      await server.listen();
      return server;
    },
  });
}

runCli(main, { name: NAME });
