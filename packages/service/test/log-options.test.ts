import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createLogger, flushLogger } from '@sockworks/logging';
import { tempDir } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { defineCli, logFileOption, logRotationOptions, openLogFileOption } from '../src/cli/index.js';

const cli = defineCli({
  name: 'demo',
  description: 'x',
  configFile: {},
  options: { logFile: logFileOption('DEMO_LOG_FILE'), ...logRotationOptions('DEMO_LOG_FILE') },
});

describe('logRotationOptions', () => {
  it('off by default: no size, no frequency, 10 files kept once on', () => {
    expect(cli.parse([], {}).values).toEqual({
      logFile: undefined,
      logFileSize: 0,
      logFileFrequency: 'none',
      logFileCount: 10,
    });
  });

  it('take flags, env vars named after the log file variable, and config keys', () => {
    expect(
      cli.parse(['--log-file-size', '10m', '--log-file-frequency', 'daily'], { DEMO_LOG_FILE_COUNT: '3' })
        .values,
    ).toMatchObject({ logFileSize: 10 * 1024 * 1024, logFileFrequency: 'daily', logFileCount: 3 });
    expect(
      cli.parse([], { DEMO_LOG_FILE_SIZE: '1KiB', DEMO_LOG_FILE_FREQUENCY: 'hourly' }).values,
    ).toMatchObject({
      logFileSize: 1024,
      logFileFrequency: 'hourly',
    });
    expect(() => cli.parse(['--log-file-frequency', 'weekly'], {})).toThrow(
      '--log-file-frequency: invalid value "weekly": expected one of daily, hourly, none',
    );
    expect(() => cli.parse(['--log-file-count', '0'], {})).toThrow(
      '--log-file-count: invalid value "0": expected an integer between 1 and 1000',
    );
  });
});

describe('openLogFileOption', () => {
  it('no path (or an empty one): no file', async () => {
    const values = cli.parse([], {}).values;
    expect(await openLogFileOption(undefined, values)).toBeUndefined();
    expect(await openLogFileOption('', values)).toBeUndefined();
  });

  it('without rotation writes the path itself; with --log-file-size it rolls over', async () => {
    const dir = tempDir();
    const plain = join(dir, 'plain', 'server.log');
    const rolling = join(dir, 'rolling', 'server.log');
    const write = async (path: string, argv: string[]) => {
      const file = await openLogFileOption(path, cli.parse(argv, {}).values);
      const log = createLogger({
        service: 's',
        destination: new PassThrough().resume(),
        pretty: false,
        file,
        env: {},
      });
      for (let i = 0; i < 5; i++) {
        for (let j = 0; j < 10; j++) log.info({ i: i * 10 + j }, 'line');
        await flushLogger(log);
      }
    };
    await write(plain, []);
    expect(readdirSync(join(dir, 'plain'))).toEqual(['server.log']);
    expect(readFileSync(plain, 'utf8').trim().split('\n')).toHaveLength(50);
    await write(rolling, ['--log-file-size', '1KiB', '--log-file-count', '2']);
    const files = readdirSync(join(dir, 'rolling'));
    expect(files.length).toBeGreaterThan(1);
    expect(files.every((name) => /^server\.\d+\.log$/.test(name))).toBe(true);
  });
});
