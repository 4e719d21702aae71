import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  connectionsReach,
  descendantsOf,
  runTracked,
  spawnTracked,
  tempDir,
  WaitTimeoutError,
  waitFor,
  withTimeout,
} from '../src/index.js';

/** True while a process with this pid exists (and is not a zombie awaiting its parent). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A parent that starts a child in a process group of its own (as scripts/start.mjs does), prints the
// child's pid, then waits forever.
const PARENT = `
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  console.log('grandchild ' + child.pid);
  setInterval(() => {}, 1000);
`;

describe('spawnTracked', () => {
  it('kill() takes the whole tree, including a grandchild that leads its own process group', async () => {
    const parent = spawnTracked(process.execPath, ['-e', PARENT], { label: 'a parent' });
    const match = await parent.waitForOutput(/grandchild (\d+)/);
    const grandchild = Number(match[1]);
    expect(descendantsOf(parent.child.pid ?? 0)).toContain(grandchild);
    parent.kill();
    expect((await parent.exited).signal).toBe('SIGKILL');
    await waitFor(() => !alive(grandchild), { what: `the grandchild ${grandchild} to die` });
  });

  it('a wait for output that never comes names the process, the pattern and the output tail', async () => {
    const proc = spawnTracked(process.execPath, ['-e', "console.log('hello'); setInterval(() => {}, 1000)"], {
      label: 'a quiet child',
    });
    await proc.waitForOutput('hello');
    await expect(proc.waitForOutput('never', { timeoutMs: 200 })).rejects.toThrow(
      /timed out after 200 ms waiting for a quiet child to print \/never\/; output tail:\nhello/,
    );
  });

  it('a child that exits first fails the wait at once, with its exit status', async () => {
    const proc = spawnTracked(process.execPath, ['-e', "console.error('bad flag'); process.exit(2)"], {
      label: 'a failing child',
    });
    await expect(proc.waitForOutput('listening')).rejects.toThrow(
      /a failing child exited \(code 2\) while waiting for it to print \/listening\/; output tail:\nbad flag/,
    );
  });

  it('runTracked kills a command that outlives its deadline and says which', async () => {
    const started = Date.now();
    await expect(runTracked('sleep', ['30'], { label: 'sleep 30', timeoutMs: 300 })).rejects.toThrow(
      /timed out after 300 ms waiting for sleep 30 \(pid \d+\) to exit; no output/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('runTracked writes stdin and collects the output', async () => {
    const result = await runTracked('cat', [], { input: 'through\n' });
    expect(result).toEqual({ code: 0, signal: null, stdout: 'through\n', stderr: '' });
  });
});

describe('waits', () => {
  it('waitFor resolves with the first value and names what timed out', async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? n : undefined), { what: 'three polls' })).toBe(3);
    const failure = waitFor(() => false, { what: 'a condition that never holds', timeoutMs: 50 });
    await expect(failure).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(failure).rejects.toThrow('timed out after 50 ms waiting for a condition that never holds');
  });

  it('withTimeout passes a result through and names what timed out', async () => {
    expect(await withTimeout(Promise.resolve(1), 50, 'one')).toBe(1);
    await expect(withTimeout(new Promise(() => {}), 50, 'the reply')).rejects.toThrow(
      'timed out after 50 ms waiting for the reply',
    );
  });

  it('connectionsReach awaits the source and names what timed out with the count', async () => {
    let wanted = -1;
    const ready = {
      waitForConnections: async (n: number) => {
        wanted = n;
      },
    };
    await connectionsReach(ready, 3);
    expect(wanted).toBe(3);
    const stuck = { waitForConnections: () => new Promise<void>(() => {}), connections: { size: 1 } };
    await expect(connectionsReach(stuck, 2, 'both clients', 50)).rejects.toThrow(
      'timed out after 50 ms waiting for both clients (1 open, want 2)',
    );
    await expect(
      connectionsReach({ waitForConnections: () => new Promise<void>(() => {}) }, 0, undefined, 50),
    ).rejects.toThrow('timed out after 50 ms waiting for 0 connections');
  });
});

describe('tempDir', () => {
  let kept = '';
  it('creates a directory', () => {
    kept = tempDir('sw-utils-');
    expect(existsSync(kept)).toBe(true);
  });

  it('removed it once the test that made it finished', () => {
    expect(kept).not.toBe('');
    expect(existsSync(kept)).toBe(false);
  });
});
