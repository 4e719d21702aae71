/**
 * Fan-out benchmark: one sender, N joined receivers (default 1000), M messages sent one at a time.
 * For each message it measures the time from write to the moment the LAST receiver has it, and
 * prints p50/p99/max. The server runs as a child process so clients and server do not share an
 * event loop. Run: node --conditions=sockworks-source --import tsx src/tools/fanout.ts [clients] [messages]
 */
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const clients = Number(process.argv[2] ?? 1000);
const messages = Number(process.argv[3] ?? 200);
const appDir = fileURLToPath(new URL('../..', import.meta.url));

const server = spawn(
  process.execPath,
  [
    '--conditions=sockworks-source',
    '--import',
    'tsx',
    'src/main.ts',
    '--port',
    '0',
    '--rate-burst',
    '1000000',
    '--rate-per-second',
    '1000000',
    '--log-level',
    'info',
  ],
  { cwd: appDir, env: { ...process.env, LOG_PRETTY: '0' }, stdio: ['ignore', 'pipe', 'inherit'] },
);
const port = await new Promise<number>((resolve) => {
  server.stdout.setEncoding('utf8').on('data', (t: string) => {
    const m = /"address":"[^"]*:(\d+)".*"msg":"listening"/.exec(t);
    if (m?.[1]) resolve(Number(m[1]));
  });
});

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('error', reject);
  });
}

let pendingSeq = -1;
let lastData = performance.now();
let remaining = 0;
let onAllReceived: (() => void) | undefined;

const receivers: Socket[] = [];
for (let i = 0; i < clients; i++) {
  const s = await open();
  let buf = '';
  s.setEncoding('utf8');
  s.on('data', (t: string) => {
    lastData = performance.now();
    buf += t;
    let nl = buf.indexOf('\n');
    while (nl !== -1) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.includes('"type":"chat"') && line.includes(`"seq ${pendingSeq}"`)) {
        if (--remaining === 0) onAllReceived?.();
      }
      nl = buf.indexOf('\n');
    }
  });
  s.write(`${JSON.stringify({ method: 'join_chat', params: { username: `r${i}` } })}\n`);
  receivers.push(s);
}
const sender = await open();
sender.on('data', () => {});
sender.write(`${JSON.stringify({ method: 'join_chat', params: { username: 'sender' } })}\n`);
// The joins caused ~clients²/2 "has joined" notices: wait until that storm is over.
while (performance.now() - lastData < 500) await new Promise((r) => setTimeout(r, 100));
const warmup = 20;

const latencies: number[] = [];
for (let seq = 0; seq < messages + warmup; seq++) {
  pendingSeq = seq;
  remaining = clients;
  const done = new Promise<void>((resolve) => {
    onAllReceived = resolve;
  });
  const start = performance.now();
  sender.write(`${JSON.stringify({ method: 'send_message', params: { message: `seq ${seq}` } })}\n`);
  await done;
  if (seq >= warmup) latencies.push(performance.now() - start);
}
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
console.log(
  JSON.stringify({
    clients,
    messages,
    p50Ms: +pct(50).toFixed(2),
    p99Ms: +pct(99).toFixed(2),
    maxMs: +(latencies.at(-1) ?? 0).toFixed(2),
  }),
);
for (const s of receivers) s.destroy();
sender.destroy();
server.kill('SIGTERM');
