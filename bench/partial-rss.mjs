#!/usr/bin/env node
// Measures what unfinished messages cost a stream server (issue 14, item 4): starts kv-unix-server,
// binary-tcp-server or chat-rpc-server from its TypeScript sources, opens N connections that each send
// the start of a message and never finish it, and reports the server's RSS (VmRSS/VmHWM from /proc).
// Not part of any test run: `node bench/partial-rss.mjs --app kv --connections 200 --partial 1MiB`
// Options: --app kv|tcp|chat, --connections N, --partial BYTES (capped below the app's message limit),
// --budget BYTES (the server's --partial-budget; 0: no budget), --message-timeout (default 10m so the
// deadline does not interfere), --batch (connections opened at once).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

const { values } = parseArgs({
  options: {
    app: { type: 'string', default: 'kv' },
    connections: { type: 'string', default: '200' },
    partial: { type: 'string', default: '1MiB' },
    budget: { type: 'string' },
    'message-timeout': { type: 'string', default: '10m' },
    batch: { type: 'string', default: '100' },
  },
});

function bytes(text) {
  const m = /^(\d+)(B|KiB|MiB|GiB)?$/.exec(text);
  if (!m) throw new Error(`not a size: ${text}`);
  return Number(m[1]) * { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }[m[2] ?? 'B'];
}

const APPS = {
  kv: { dir: 'kv-unix-server', maxMessage: 1024 * 1024 },
  tcp: { dir: 'binary-tcp-server', maxMessage: 1024 * 1024 },
  chat: { dir: 'chat-rpc-server', maxMessage: 8 * 1024 },
};
const app = APPS[values.app];
if (!app) throw new Error(`--app must be one of ${Object.keys(APPS).join(', ')}`);
const connections = Number(values.connections);
const batch = Number(values.batch);
// Stay under the message limit, so the only thing that can stop a partial message is the new guard.
const partialBytes =
  bytes(values.partial) === 0 ? 0 : Math.max(64, Math.min(bytes(values.partial), app.maxMessage - 64));

/** The first `n` bytes of a message that would be valid once finished. */
function partialMessage(n) {
  if (n === 0) return Buffer.alloc(0);
  if (values.app === 'tcp') {
    const buf = Buffer.alloc(n, 0x78);
    buf.writeUInt32BE(app.maxMessage, 0);
    buf.write('{"type":"echo","content":"', 4);
    return buf;
  }
  const head =
    values.app === 'kv' ? '{"command":"echo","data":{"message":"' : '{"method":"ping","params":{"p":"';
  const buf = Buffer.alloc(n, 0x78);
  buf.write(head, 0);
  return buf;
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function rss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Error codes the server sent, and how often; connections the server closed. */
const replies = new Map();
let closedByServer = 0;

/** Connects (retrying a full Unix-socket backlog, EAGAIN) and sends the partial message. */
function openHolding(target, message) {
  return new Promise((res, rej) => {
    const attempt = (left) => {
      const s = connect(target);
      s.on('data', (chunk) => {
        const code = /(MESSAGE_TIMEOUT|PARTIAL_BUDGET_EXCEEDED|MESSAGE_TOO_LARGE|-320\d\d)/.exec(
          chunk.toString('latin1'),
        );
        if (code) replies.set(code[1], (replies.get(code[1]) ?? 0) + 1);
      });
      s.once('error', (err) => {
        if (err.code === 'EAGAIN' && left > 0) setTimeout(() => attempt(left - 1), 20);
        else rej(err);
      });
      s.once('connect', () => {
        s.once('close', () => closedByServer++);
        s.on('error', () => {});
        s.write(message, () => res(s));
      });
    };
    attempt(100);
  });
}

const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'partial-rss-'));
  const target =
    values.app === 'kv' ? { path: join(dir, 's.sock') } : { host: '127.0.0.1', port: await freePort() };
  const prefix = { kv: 'KV', tcp: 'TCP', chat: 'CHAT' }[values.app];
  const env = {
    ...process.env,
    LOG_LEVEL: 'error',
    [`${prefix}_MAX_CONNECTIONS`]: String(connections + 100),
    [`${prefix}_MESSAGE_TIMEOUT`]: values['message-timeout'],
  };
  if (values.budget !== undefined) env[`${prefix}_PARTIAL_BUDGET`] = String(bytes(values.budget));
  if (values.app === 'kv') env.KV_SOCKET_PATH = target.path;
  else env[`${prefix}_PORT`] = String(target.port);
  if (values.app === 'chat') env.CHAT_JOIN_TIMEOUT = '0';
  const server = spawn(
    process.execPath,
    ['--conditions=sockworks-source', '--import', tsx, join(root, 'apps', app.dir, 'src', 'main.ts')],
    { env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const stop = () => {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Wait for the server to accept.
    for (let i = 0; ; i++) {
      const ok = await new Promise((res) => {
        const s = connect(target);
        s.once('connect', () => {
          s.destroy();
          res(true);
        });
        s.once('error', () => res(false));
      });
      if (ok) break;
      if (i > 300) throw new Error('server did not start');
      await sleep(100);
    }
    await sleep(500);
    const base = rss(server.pid);
    const message = partialMessage(partialBytes);
    const sockets = [];
    for (let opened = 0; opened < connections; ) {
      const n = Math.min(batch, connections - opened);
      const group = await Promise.all(Array.from({ length: n }, () => openHolding(target, message)));
      sockets.push(...group);
      opened += n;
    }
    // Let the server read everything, then sample until RSS settles.
    let last = rss(server.pid);
    for (let i = 0; i < 20; i++) {
      await sleep(500);
      const now = rss(server.pid);
      if (Math.abs(now.rss - last.rss) < 256 * 1024 && i >= 3) {
        last = now;
        break;
      }
      last = now;
    }
    const held = connections - closedByServer;
    console.log(
      JSON.stringify({
        app: app.dir,
        connections,
        partialBytesEach: partialBytes,
        attemptedPartialBytes: mib(partialBytes * connections),
        budget: values.budget ?? 'default (64MiB)',
        connectionsStillHoldingPartial: held,
        cutOffByServer: closedByServer,
        errorReplies: Object.fromEntries(replies),
        idleServerRss: mib(base.rss),
        rss: mib(last.rss),
        peakRss: mib(last.peak),
        rssGrowth: mib(last.rss - base.rss),
        peakGrowth: mib(last.peak - base.rss),
      }),
    );
    for (const s of sockets) s.destroy();
  } finally {
    stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
