import { ConfigError } from '@sockworks/service';
import { describe, expect, it } from 'vitest';
import { serverCli } from '../src/cli/server-options.js';
import { CHAT_SERVER_DEFAULTS, type ChatServerOptions, createChatServer } from '../src/server/server.js';

describe('server options', () => {
  it('has the spec and RELIABILITY.md defaults', () => {
    expect(CHAT_SERVER_DEFAULTS).toMatchObject({
      host: '127.0.0.1',
      port: 65432,
      maxRequestBytes: 8192,
      maxOutputBytes: 1024 * 1024,
      maxConnections: 10_000,
      maxUsernameLength: 50,
      maxMessageLength: 1000,
      maxDepth: 64,
      maxBatch: 100,
      rateBurst: 10,
      ratePerSecond: 2,
      duplicateNames: 'suffix',
      heartbeatIntervalMs: 0,
      closeTimeoutMs: 10_000,
    });
  });

  it('rejects invalid options at construction, naming the option', () => {
    const cases: [Partial<ChatServerOptions>, string][] = [
      [{ port: 70000 }, 'port'],
      [{ maxOutputBytes: 10 }, 'maxOutputBytes'],
      [{ ratePerSecond: 0 }, 'ratePerSecond'],
      [{ duplicateNames: 'maybe' as 'reject' }, 'duplicateNames'],
    ];
    for (const [options, name] of cases) {
      let error: unknown;
      try {
        createChatServer(options);
      } catch (err) {
        error = err;
      }
      // A ConfigError (code INVALID_CONFIG) naming the option, like a bad flag.
      expect(ConfigError.isConfigError(error), name).toBe(true);
      expect(error).toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringContaining(name) });
    }
  });

  it('reads flags over env over defaults', () => {
    const { values } = serverCli.parse(['--port', '7000', '--duplicate-names', 'reject'], {
      CHAT_PORT: '6000',
      CHAT_HOST: '0.0.0.0',
      CHAT_MAX_OUTPUT_BYTES: '64KiB',
      CHAT_JOIN_TIMEOUT: '5s',
    });
    expect(values).toMatchObject({
      port: 7000,
      host: '0.0.0.0',
      duplicateNames: 'reject',
      maxOutputBytes: 65536,
      joinTimeoutMs: 5000,
      maxRequestBytes: 8192,
    });
    expect(serverCli.help()).toContain('CHAT_PORT');
  });

  it('listen() resolves with the bound address; close() is idempotent; asyncDispose closes', async () => {
    const server = createChatServer({ port: 0 });
    const address = await server.listen();
    expect(address).toMatchObject({ kind: 'tcp', host: '127.0.0.1' });
    expect(server.address).toEqual(address);
    await server[Symbol.asyncDispose]();
    await server.close();
  });
});
