import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scaled } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { runEntry, tempDir } from './process-helpers.js';

// Child processes start through tsx: slow on a busy 2-core machine, so these get a generous timeout.
describe('ws-jsonrpc-camera-skeleton with a config file (process)', { timeout: scaled(120_000) }, () => {
  it('--print-config redacts the auth token and starts nothing (no log file either)', async () => {
    const cwd = tempDir();
    const config = join(cwd, 'ws.yml');
    writeFileSync(config, 'path: /cam\nallowed-origins: https://camera.example\nauth-token: from-the-file\n');
    const child = runEntry('main.ts', ['--config', config, '--print-config'], {
      cwd,
      env: { WS_AUTH_TOKEN: 'from-the-env' },
    });
    expect((await child.exited).code).toBe(0);
    const out = child.stdout();
    expect(out).toContain('auth-token: "[redacted]"  # WS_AUTH_TOKEN\n');
    expect(out).toContain('path: /cam  # config file\n');
    expect(out).toContain('allowed-origins: https://camera.example  # config file\n');
    expect(out).not.toContain('from-the-');
    expect(existsSync(join(cwd, 'logs'))).toBe(false);
  });

  it('a printed config read back without the token: exit 2, asking for the real one', async () => {
    const cwd = tempDir();
    const printed = runEntry('main.ts', ['--print-config'], { cwd, env: { WS_AUTH_TOKEN: 's3cret' } });
    expect((await printed.exited).code).toBe(0);
    const config = join(cwd, 'printed.yaml');
    writeFileSync(config, printed.stdout());
    const child = runEntry('main.ts', ['--config', config], { cwd, env: { WS_AUTH_TOKEN: '' } });
    expect((await child.exited).code).toBe(2);
    expect(child.stderr()).toBe(
      `ws-jsonrpc-camera-skeleton: ${config}: auth-token: "[redacted]" is what --print-config shows for a secret; put the real value here or set WS_AUTH_TOKEN\n`,
    );
  });
});
