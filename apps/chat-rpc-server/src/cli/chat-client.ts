#!/usr/bin/env node
import { runCli } from '@sockworks/service';
import { chatClientCli as cli } from './chat-client-cli.js';
import { runInteractiveClient } from './interactive.js';

runCli(
  async () => {
    const { values } = cli.parse();
    const code = await runInteractiveClient({
      username: values.username,
      client: { host: values.host, port: values.port, reconnect: values.reconnect },
    });
    process.exitCode = code;
  },
  { name: 'chat-client' },
);
