import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonLines, spawnTracked, type TrackedProcess, tempDir, tsxArgs } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { startServer } from './helpers.js';
import { DIALECTS, V2Client } from './v2-client.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));

describe.each(DIALECTS)('get_history (%s)', (dialect) => {
  it('the latest messages oldest first, paged with before, members only, limit 1-200', async () => {
    const { port } = await startServer({ rateBurst: 100 });
    const alice = await V2Client.connect(port, dialect);
    const bob = await V2Client.connect(port, dialect);
    await alice.join('Alice');
    await bob.join('Bob');
    await alice.call('join_room', { room: 'dev' });
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++)
      ids.push((await alice.call('send_message', { room: 'dev', message: `m${i}` })).id as string);
    const page = await alice.call('get_history', { room: 'dev', limit: 2 });
    expect(page).toEqual({
      status: 'success',
      room: 'dev',
      messages: [
        {
          type: 'chat',
          room: 'dev',
          id: ids[3],
          username: 'Alice',
          message: 'm4',
          timestamp: expect.any(Number),
        },
        {
          type: 'chat',
          room: 'dev',
          id: ids[4],
          username: 'Alice',
          message: 'm5',
          timestamp: expect.any(Number),
        },
      ],
      count: 2,
      has_more: true,
    });
    const older = await alice.call('get_history', { room: 'DEV', limit: 2, before: ids[3] });
    expect((older.messages as { message: string }[]).map((m) => m.message)).toEqual(['m2', 'm3']);
    expect(older.has_more).toBe(true);
    const oldest = await alice.call('get_history', { room: 'dev', before: ids[1] });
    expect(oldest).toMatchObject({ count: 1, has_more: false });
    expect(await alice.call('get_history', { room: 'dev' })).toMatchObject({ count: 5, has_more: false });
    // Members only; general has its own (empty) history.
    expect(await bob.call('get_history', { room: 'dev' })).toMatchObject({
      status: 'error',
      code: 'NOT_MEMBER',
    });
    expect(await bob.call('get_history', { room: 'general' })).toMatchObject({
      messages: [],
      has_more: false,
    });
    for (const bad of [
      { limit: 0 },
      { limit: 201 },
      { limit: 1.5 },
      { limit: '5' },
      { before: 'x' },
      { before: 5 },
    ])
      expect(await alice.call('get_history', { room: 'dev', ...bad })).toMatchObject({ code: -32602 });
    expect(await alice.call('get_history', { room: 'dev', limit: 200 })).toMatchObject({ count: 5 });
  });

  it('keeps --history-size messages per room; a reply stops short of a quarter of --max-output-bytes', async () => {
    const { port } = await startServer({ rateBurst: 100, historySize: 3, maxOutputBytes: 8192 });
    const alice = await V2Client.connect(port, dialect);
    await alice.join('Alice');
    for (let i = 1; i <= 5; i++) await alice.call('send_message', { message: `m${i}` });
    const all = await alice.call('get_history', { room: 'general' });
    expect((all.messages as { message: string }[]).map((m) => m.message)).toEqual(['m3', 'm4', 'm5']);
    expect(all.has_more).toBe(false);
    // 3 messages of ~1,000 bytes do not fit in 2,048: the newest that fit, and has_more.
    for (let i = 0; i < 3; i++) await alice.call('send_message', { message: 'x'.repeat(900) });
    const capped = await alice.call('get_history', { room: 'general' });
    expect(capped).toMatchObject({ count: 2, has_more: true });
  });
});

/** Runs src/main.ts with `args`; resolves with the port once it logs "listening". */
async function startProcess(args: string[]): Promise<{ proc: TrackedProcess; port: number }> {
  const proc = spawnTracked(process.execPath, tsxArgs('src/main.ts', '--port', '0', ...args), {
    cwd: appDir,
    env: { ...process.env, LOG_PRETTY: '0', LOG_LEVEL: 'info' },
    label: `chat-rpc-server ${args.join(' ')}`,
  });
  const listening = await proc.waitForLogLine((e) => e.msg === 'listening', '"listening"');
  return { proc, port: Number(String(listening.address).split(':').pop()) };
}

async function stop(proc: TrackedProcess): Promise<void> {
  proc.child.kill('SIGTERM');
  expect((await proc.exited).code).toBe(0);
}

describe('--history-file', () => {
  it('history survives a restart: same messages, same ids, new ids after them', async () => {
    const file = join(tempDir('chat-h-'), 'history.log');
    const first = await startProcess(['--history-file', file]);
    const alice = await V2Client.connect(first.port, 'plain');
    await alice.join('Alice');
    await alice.call('join_room', { room: 'dev' });
    const sent = [
      await alice.call('send_message', { room: 'dev', message: 'before restart' }),
      await alice.call('send_message', { message: 'in general, with "quotes" and a\nnewline 🌍' }),
    ];
    const before = await alice.call('get_history', { room: 'dev' });
    await stop(first.proc);

    const second = await startProcess(['--history-file', file]);
    expect(jsonLines(second.proc.stdout()).find((e) => e.msg === 'history file loaded')).toMatchObject({
      records: 2,
    });
    const bob = await V2Client.connect(second.port, 'jsonrpc');
    await bob.join('Bob');
    expect(await bob.call('list_rooms')).toMatchObject({
      rooms: [
        { room: 'general', users: 1 },
        { room: 'dev', users: 0 },
      ],
    });
    await bob.call('join_room', { room: 'dev' });
    expect(await bob.call('get_history', { room: 'dev' })).toEqual(before);
    const general = await bob.call('get_history', { room: 'general' });
    expect(general.messages).toEqual([
      expect.objectContaining({
        id: sent[1]?.id,
        message: sent[1] && 'in general, with "quotes" and a\nnewline 🌍',
      }),
    ]);
    const next = await bob.call('send_message', { room: 'dev', message: 'after restart' });
    const [a, b] = [sent[1]?.id, next.id].map((id) => String(id).split('-').map(Number)) as [
      number[],
      number[],
    ];
    expect(b[0]! > a[0]! || (b[0] === a[0] && b[1]! > a[1]!)).toBe(true);
    await stop(second.proc);
  });

  it('a torn last record is dropped with a warning naming the offset; the rest loads', async () => {
    const file = join(tempDir('chat-h-'), 'history.log');
    const first = await startProcess(['--history-file', file]);
    const alice = await V2Client.connect(first.port, 'plain');
    await alice.join('Alice');
    await alice.call('send_message', { message: 'kept' });
    await stop(first.proc);
    const size = statSync(file).size;
    // What a crash in the middle of a write leaves: the start of a record, no newline.
    const torn = '0badc0de {"room":"general","id":"9';
    appendFileSync(file, torn);
    const second = await startProcess(['--history-file', file]);
    const warning = jsonLines(second.proc.stdout()).find((e) => String(e.msg).includes('torn record'));
    expect(warning).toMatchObject({ level: 'warn', file, offset: size, droppedBytes: torn.length });
    expect(statSync(file).size).toBe(size);
    const bob = await V2Client.connect(second.port, 'plain');
    await bob.join('Bob');
    expect(await bob.call('get_history', { room: 'general' })).toMatchObject({
      messages: [{ message: 'kept' }],
    });
    await stop(second.proc);
  });

  it('damage followed by valid records: exit 1 with one line naming the file and line, file untouched', async () => {
    const file = join(tempDir('chat-h-'), 'history.log');
    const first = await startProcess(['--history-file', file]);
    const alice = await V2Client.connect(first.port, 'plain');
    await alice.join('Alice');
    for (const message of ['one', 'two', 'three']) await alice.call('send_message', { message });
    await stop(first.proc);
    const original = readFileSync(file);
    const damaged = Buffer.from(original);
    const at = original.indexOf('two');
    damaged[at] = 'T'.charCodeAt(0);
    writeFileSync(file, damaged);
    const proc = spawnTracked(
      process.execPath,
      tsxArgs('src/main.ts', '--port', '0', '--history-file', file),
      {
        cwd: appDir,
        env: { ...process.env, LOG_PRETTY: '0' },
        label: 'chat-rpc-server (damaged history)',
      },
    );
    expect((await proc.exited).code).toBe(1);
    const lines = proc.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/damaged at line 3 .* 1 valid records after it; refusing to start/);
    expect(lines[0]).toContain(file);
    expect(readFileSync(file)).toEqual(damaged);
  });
});
