import { PassThrough, Readable } from 'node:stream';
import { runTracked, scaled, tsxArgs } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { requestFromWords } from '../src/cli/requests.js';
import { tokenize } from '../src/cli/tokenize.js';
import { runKvClientCli } from '../src/index.js';
import { APP_DIR, startServer, tempSocketPath } from './helpers.js';

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (t: string) => {
    text += t;
  });
  return { stream, text: () => text };
}

/** Runs the CLI in-process with the given args and stdin text. */
async function cli(args: string[], stdinText = '') {
  const stdout = collect();
  const stderr = collect();
  const code = await runKvClientCli({
    argv: args,
    env: {},
    stdin: Readable.from([stdinText]),
    stdout: stdout.stream,
    stderr: stderr.stream,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('kv-client argument parsing', () => {
  it('turns words into requests', () => {
    expect(requestFromWords(['store', 'n', '42'])).toEqual({
      command: 'store',
      data: { key: 'n', value: 42 },
    });
    expect(requestFromWords(['store', 'n', 'john', 'doe'])).toEqual({
      command: 'store',
      data: { key: 'n', value: 'john doe' },
    });
    expect(requestFromWords(['store', 'o', '{"a":[1]}']).data.value).toEqual({ a: [1] });
    expect(requestFromWords(['calculate', 'add', '-3', '1.5'])).toEqual({
      command: 'calculate',
      data: { operation: 'add', a: -3, b: 1.5 },
    });
    expect(requestFromWords(['calculate', 'add', 'ten', '5']).data.a).toBe('ten');
    expect(requestFromWords(['keys'])).toEqual({ command: 'list_keys', data: {} });
    expect(requestFromWords(['custom', '{"x":1}'])).toEqual({ command: 'custom', data: { x: 1 } });
    expect(() => requestFromWords(['retrieve'])).toThrow(/usage: retrieve <key>/);
    expect(() => requestFromWords(['ping', 'extra'])).toThrow(/usage: ping/);
    expect(() => requestFromWords(['custom', '[1]'])).toThrow(/JSON object/);
  });

  it('tokenizes interactive lines shell-style', () => {
    expect(tokenize(`store "my key" 'a b' c\\ d`)).toEqual(['store', 'my key', 'a b', 'c d']);
    expect(tokenize('  echo   "say \\"hi\\""  ')).toEqual(['echo', 'say "hi"']);
    expect(tokenize('store k ""')).toEqual(['store', 'k', '']);
    expect(() => tokenize('echo "open')).toThrow(/unterminated/);
  });
});

describe('kv-client against a server', { timeout: scaled(60_000) }, () => {
  it('runs each subcommand and prints readable output', async () => {
    const { path } = await startServer();
    const s = ['--socket', path];
    expect(await cli([...s, 'ping'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^ok \(storage_size: 0/),
    });
    expect((await cli([...s, 'store', 'username', 'john_doe'])).stdout).toBe(
      "Value stored for key 'username'\n",
    );
    expect((await cli([...s, 'retrieve', 'username'])).stdout).toBe('"john_doe"\n');
    expect((await cli([...s, 'calculate', 'add', '10', '5'])).stdout).toBe('10 add 5 = 15\n');
    expect((await cli([...s, 'echo', 'hello', 'there'])).stdout).toBe('hello there\n');
    expect((await cli([...s, 'time'])).stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect((await cli([...s, 'list_keys'])).stdout).toBe('username\n');
    expect((await cli([...s, 'help'])).stdout).toContain('calculate  Perform arithmetic operations');
    expect((await cli([...s, 'delete', 'username'])).stdout).toBe("Key 'username' deleted\n");
    expect((await cli([...s, 'list_keys'])).stdout).toBe('(no keys)\n');
  });

  it('error replies go to stderr with the code, exit 1', async () => {
    const { path } = await startServer();
    const result = await cli(['--socket', path, 'retrieve', 'missing']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: "error KEY_NOT_FOUND: Key 'missing' not found in storage\n",
    });
    expect((await cli(['--socket', path, 'calculate', 'divide', '1', '0'])).stderr).toMatch(
      /^error MATH_ERROR/,
    );
  });

  it('--json prints the raw reply', async () => {
    const { path } = await startServer();
    const ok = await cli(['--socket', path, '--json', 'calculate', 'power', '2', '8']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ type: 'response', success: true, data: { result: 256 } });
    const bad = await cli(['--socket', path, '--json', 'retrieve', 'x']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ success: false, error: { code: 'KEY_NOT_FOUND' } });
  });

  it('usage errors exit 2; an unreachable socket exits 1 with one line', async () => {
    const { path } = await startServer();
    expect((await cli(['--socket', path, 'retrieve'])).code).toBe(2);
    expect((await cli(['--bogus'])).code).toBe(2);
    const missing = await cli(['--socket', tempSocketPath(), 'ping']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^kv-client: cannot connect to .*ENOENT.*\n$/);
  });

  it('--help lists the options, their env vars and the commands', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    for (const text of [
      '--socket',
      'KV_SOCKET_PATH',
      '--json',
      '--timeout',
      'calculate <op> <a> <b>',
      'store <key>',
    ]) {
      expect(result.stdout).toContain(text);
    }
  });

  it('interactive mode reads commands from stdin until EOF', async () => {
    const { path } = await startServer();
    const input = [
      'store name "Ada Lovelace"',
      '',
      '# a comment',
      'retrieve name',
      'retrieve nope',
      'bad "quote',
      'keys',
    ];
    const result = await cli(['--socket', path], `${input.join('\n')}\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Value stored for key \'name\'\n"Ada Lovelace"\nname\n');
    expect(result.stderr).toBe(
      "error KEY_NOT_FOUND: Key 'nope' not found in storage\nunterminated \" quote\n",
    );
  });

  it('interactive mode stops at "exit"', async () => {
    const { path } = await startServer();
    const result = await cli(['--socket', path], 'store a 1\nexit\nstore b 2\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Value stored for key 'a'\n");
  });

  it('the kv-client bin: one-shot and interactive through a real stdin pipe', async () => {
    const { path } = await startServer();
    const run = async (args: string[], stdin: string) => {
      const { code, stdout, stderr } = await runTracked(
        process.execPath,
        tsxArgs('src/cli/kv-client.ts', ...args),
        {
          cwd: APP_DIR,
          env: { PATH: process.env.PATH, KV_SOCKET_PATH: path },
          input: stdin,
          label: ['kv-client', ...args].join(' '),
        },
      );
      return { code, stdout, stderr };
    };
    const [oneShot, interactive] = await Promise.all([
      run(['--json', 'ping'], ''),
      run([], 'store x 10\ncalculate multiply 6 7\nretrieve x\n'),
    ]);
    expect(oneShot.code).toBe(0);
    expect(JSON.parse(oneShot.stdout).data.status).toBe('ok');
    expect(interactive).toEqual({
      code: 0,
      stdout: "Value stored for key 'x'\n6 multiply 7 = 42\n10\n",
      stderr: '',
    });
  });
});
