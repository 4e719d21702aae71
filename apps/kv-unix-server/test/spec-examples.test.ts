import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTracked } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { RawClient, startServer, tempDir } from './helpers.js';

/** Runs a shell line; resolves when it exits or once stdout holds `untilLines` lines (then stops it). */
async function sh(
  line: string,
  untilLines?: number,
): Promise<{ stdout: string; stderr: string; code: number | null; killed: boolean }> {
  // Its own process group (spawnTracked): stopping it stops the tools the shell started too.
  const proc = spawnTracked('sh', ['-c', line], { label: `sh -c ${JSON.stringify(line)}` });
  let killed = false;
  if (untilLines !== undefined) {
    await proc.waitUntil(
      () => (proc.stdout().split('\n').length > untilLines ? true : undefined),
      `print ${untilLines} line(s)`,
    );
    killed = true;
    if (proc.child.pid !== undefined && proc.exit === undefined) process.kill(-proc.child.pid, 'SIGTERM');
  }
  const { code } = await proc.exited;
  return { stdout: proc.stdout(), stderr: proc.stderr(), code, killed };
}

function hasTool(name: string): Promise<boolean> {
  return sh(`command -v ${name}`).then((r) => {
    if (r.code !== 0 && process.env.SOCKWORKS_REQUIRE_TOOLS === '1') {
      throw new Error(`${name} is required (SOCKWORKS_REQUIRE_TOOLS=1) but not installed`);
    }
    return r.code === 0;
  });
}

describe("the spec's usage examples, run for real", () => {
  it('socat: echo \'{"command":"ping","data":{}}\' | socat - UNIX-CONNECT:<socket>', async (ctx) => {
    if (!(await hasTool('socat'))) return ctx.skip();
    const { path } = await startServer();
    const result = await sh(`echo '{"command":"ping","data":{}}' | socat - UNIX-CONNECT:${path}`);
    expect(result.code).toBe(0);
    const reply = JSON.parse(result.stdout.trim());
    expect(reply).toMatchObject({ type: 'response', success: true, data: { status: 'ok', storage_size: 0 } });
  });

  it('netcat: echo \'{"command":"time","data":{}}\' | nc -U <socket>', async (ctx) => {
    if (!(await hasTool('nc'))) return ctx.skip();
    const { path } = await startServer();
    // OpenBSD nc keeps the connection open after stdin ends (unless given -N): stop it after the reply.
    const result = await sh(`echo '{"command":"time","data":{}}' | nc -U ${path}`, 1);
    const reply = JSON.parse(result.stdout.split('\n')[0]!);
    expect(reply).toMatchObject({ type: 'response', success: true });
    expect(Object.keys(reply.data)).toEqual(['timestamp', 'unix_timestamp', 'formatted']);
  });

  it('netcat with -N exits on its own after the reply', async (ctx) => {
    if (!(await hasTool('nc'))) return ctx.skip();
    const { path } = await startServer();
    const result = await sh(`echo '{"command":"ping","data":{}}' | nc -N -U ${path}`);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim()).data.status).toBe('ok');
  });

  it('the Node.js net.createConnection client from the spec', async () => {
    const { path } = await startServer();
    const dir = tempDir();
    // Verbatim from the spec, except the socket path.
    const snippet = `
const net = require('net');
const SOCKET_PATH = ${JSON.stringify(path)};

const client = net.createConnection(SOCKET_PATH, () => {
  // Send echo command
  const message = {
    command: 'echo',
    request_id: '123',
    data: { message: 'Hello, Server!' }
  };
  client.write(JSON.stringify(message) + '\\n');
});

client.on('data', (data) => {
  const response = JSON.parse(data.toString().trim());
  console.log('Response:', response);
  client.end();
});
`;
    const file = join(dir, 'client.cjs');
    writeFileSync(file, snippet);
    const result = await sh(`${JSON.stringify(process.execPath)} ${file}`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Response:');
    expect(result.stdout).toContain("request_id: '123'");
    expect(result.stdout).toContain("echo: 'Hello, Server!'");
    expect(result.stdout).toContain('success: true');
  });

  it('replies have exactly the documented fields, in the documented order', async () => {
    const { path } = await startServer();
    const client = await RawClient.connect(path);
    client.write(
      '{"command":"command_name","request_id":"optional-unique-id","data":{"parameter1":"value1","parameter2":"value2"}}\n' +
        '{"command":"echo","request_id":"optional-unique-id","data":{"message":"Hello, World!"}}\n',
    );
    const raw = await client.replies(2);
    expect(Object.keys(raw[0]!)).toEqual(['type', 'success', 'request_id', 'timestamp', 'error']);
    expect(raw[0]!.error).toEqual({ code: 'UNKNOWN_COMMAND', message: expect.any(String) });
    expect(Object.keys(raw[1]!)).toEqual(['type', 'success', 'request_id', 'timestamp', 'data']);
    expect(raw[1]!.data).toEqual({ echo: 'Hello, World!' });
  });
});
