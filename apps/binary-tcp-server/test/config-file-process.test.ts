import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scaled, tempDir } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { run } from './process-helpers.js';

// Child processes start through tsx: slow on a busy 2-core machine, so these get a generous timeout.
describe('binary-tcp-server with a config file (process)', { timeout: scaled(120_000) }, () => {
  it('listens where the file says, except what TCP_PORT overrides', async () => {
    const config = join(tempDir(), 'tcp.json');
    // Port 9 from the file would be taken as is if the env var did not win.
    writeFileSync(config, JSON.stringify({ host: '127.0.0.1', port: 9, 'max-connections': 3 }));
    const proc = run('src/main.ts', ['--config', config], { TCP_PORT: '0' });
    const listening = await proc.tracked.waitForLogLine((entry) => entry.msg === 'listening', '"listening"');
    expect(String(listening.address)).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(String(listening.address)).not.toBe('127.0.0.1:9');
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });

  it('--print-config shows each value with its source and exits 0 without listening', async () => {
    const config = join(tempDir(), 'tcp.yaml');
    writeFileSync(config, 'port: 1234\nmax-frame-bytes: 64KiB\nheartbeat-interval: 30s\n');
    const proc = run('src/main.ts', ['--print-config', '--heartbeat-interval', '5s'], {
      TCP_CONFIG: config,
      TCP_MAX_FRAME_BYTES: '128KiB',
    });
    expect(await proc.exited).toBe(0);
    const out = proc.stdout();
    expect(out).toContain('port: 1234  # config file\n');
    expect(out).toContain('max-frame-bytes: 128KiB  # TCP_MAX_FRAME_BYTES\n');
    expect(out).toContain('heartbeat-interval: 5s  # --heartbeat-interval\n');
    expect(out).toContain('host: localhost  # default\n');
    expect(out).not.toContain('"msg"');
    expect(proc.stderr()).toBe('');
  });

  it('a value of the wrong type is one line naming the file and the key, exit 2', async () => {
    const config = join(tempDir(), 'tcp.yaml');
    writeFileSync(config, 'max-connections: "100"\n');
    const proc = run('src/main.ts', ['--config', config]);
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toBe(
      `binary-tcp-server: ${config}: max-connections: expected a number, got the string "100"\n`,
    );
  });
});
