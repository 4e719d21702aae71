#!/usr/bin/env node
/** `tcp-client [demo|interactive|performance]`: the spec's client modes. */
import { ConfigError, runCli } from '@sockworks/service';
import { TcpClient } from '../client/client.js';
import { runDemo } from './demo.js';
import { runInteractive } from './interactive.js';
import { runPerformance } from './performance.js';
import { CLIENT_MODES, type ClientMode, clientCli } from './tcp-client-options.js';

runCli(
  async () => {
    const { values, positionals } = clientCli.parse();
    if (positionals.length > 1)
      throw new ConfigError(`unexpected argument ${positionals[1]}; see tcp-client --help`);
    const mode = (positionals[0] ?? 'demo') as ClientMode;
    if (!CLIENT_MODES.includes(mode)) {
      throw new ConfigError(`unknown mode ${mode}: expected one of ${CLIENT_MODES.join(', ')}`);
    }
    if (mode === 'performance') {
      await runPerformance(
        {
          host: values.host,
          port: values.port,
          connections: values.connections,
          window: values.window,
          durationMs: values.durationMs,
          warmupMs: values.warmupMs,
          messageSize: values.messageSize,
          type: values.type,
          // A load connection whose replies stop for this long fails the run, naming the connection.
          stallTimeoutMs: values.requestTimeoutMs,
        },
        { out: process.stdout, progress: process.stderr, json: values.json },
      );
      return;
    }
    const reconnect = values.reconnect === 'on' || (values.reconnect === 'auto' && mode === 'interactive');
    const client = new TcpClient({
      host: values.host,
      port: values.port,
      requestTimeoutMs: values.requestTimeoutMs,
      reconnect,
    });
    await client.connect();
    try {
      if (mode === 'demo') await runDemo(client, process.stdout);
      else await runInteractive(client, process.stdin, process.stdout);
    } finally {
      await client.disconnect();
    }
  },
  { name: 'tcp-client' },
);
