/**
 * The server process with --web-port: the web listener logs its address, serves, says goodbye on
 * SIGTERM with the TCP side; a web port in use and a bad --web-origins are start-up errors.
 */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { spawnTracked, type TrackedProcess, tsxArgs } from '@sockworks/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { waitFor } from './helpers.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));

function spawnServer(args: string[]): TrackedProcess {
  return spawnTracked(process.execPath, tsxArgs('src/main.ts', ...args), {
    cwd: appDir,
    env: { ...process.env, LOG_PRETTY: '0', LOG_LEVEL: 'info' },
    label: ['chat-rpc-server', ...args].join(' '),
  });
}

describe('the server process with --web-port', () => {
  it('listens on both ports, serves the API and WebSocket, and on SIGTERM says goodbye on the WebSocket and exits 0', async () => {
    const proc = spawnServer(['--port', '0', '--web-port', '0', '--web-host', '127.0.0.1']);
    const web = await proc.waitForLogLine((e) => e.msg === 'web listening', '"web listening"');
    const port = Number(String(web.address).split(':').pop());
    const api = await fetch(`http://127.0.0.1:${port}/api/users`);
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ status: 'error', code: 'AUTH_REQUIRED' });

    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    onTestFinished(() => ws.terminate());
    const messages: Record<string, unknown>[] = [];
    let closed: number | undefined;
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
    ws.on('close', (code) => {
      closed = code;
    });
    ws.on('error', () => {});
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ method: 'join_chat', params: { username: 'Alice' } }));
    await waitFor(() => messages.length >= 2, 'the join reply and welcome', 10_000);
    expect(messages[0]).toMatchObject({ status: 'success', session: expect.any(String) });

    proc.child.kill('SIGTERM');
    await waitFor(() => closed !== undefined, 'the WebSocket to close on SIGTERM', 20_000);
    expect(messages.at(-1)).toEqual({
      type: 'system',
      message: 'Server is shutting down',
      username: 'SYSTEM',
    });
    expect(closed).toBe(1000);
    const { code } = await proc.exited;
    expect(code).toBe(0);
  });

  it('a web port in use: one line naming it, exit code 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const proc = spawnServer(['--port', '0', '--web-port', String(port), '--web-host', '127.0.0.1']);
    const { code } = await proc.exited;
    expect(code).toBe(1);
    const lines = proc.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(String(port));
  });

  it('a bad --web-origins: one line naming the option, exit code 2', async () => {
    const proc = spawnServer(['--port', '0', '--web-port', '0', '--web-origins', 'ftp://x']);
    const { code } = await proc.exited;
    expect(code).toBe(2);
    const err = proc.stderr();
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('--web-origins');
  });
});
