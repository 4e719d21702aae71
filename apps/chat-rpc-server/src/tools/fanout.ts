/**
 * Fan-out benchmark: N joined receivers (default 1000), M messages sent one at a time. Without rooms
 * one sender posts to everyone; with R rooms the receivers are spread over `room0`..`room<R-1>`, each
 * room has its own sender, and message i goes to room i % R (clients join with protocol 2 then). For each message it measures the time
 * from write to the moment the LAST receiver it was meant for has it, and prints p50/p99/max. The
 * server runs as a child process so clients and server do not share an event loop. Run:
 * node --conditions=sockworks-source --import tsx src/tools/fanout.ts [clients] [messages] [rooms]
 */
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const clients = Number(process.argv[2] ?? 1000);
const messages = Number(process.argv[3] ?? 200);
const rooms = Number(process.argv[4] ?? 0);
const roomOf = (i: number) => `room${i % rooms}`;
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

/** Sends one request line. */
function send(s: Socket, method: string, params: Record<string, unknown>): void {
  s.write(`${JSON.stringify({ method, params })}\n`);
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
  send(s, 'join_chat', rooms > 0 ? { username: `r${i}`, protocol: 2 } : { username: `r${i}` });
  if (rooms > 0) send(s, 'join_room', { room: roomOf(i) });
  receivers.push(s);
}
const senders: Socket[] = [];
for (let k = 0; k < Math.max(1, rooms); k++) {
  const sender = await open();
  sender.on('data', () => {});
  send(sender, 'join_chat', rooms > 0 ? { username: `sender${k}`, protocol: 2 } : { username: `sender${k}` });
  if (rooms > 0) send(sender, 'join_room', { room: roomOf(k) });
  senders.push(sender);
}
// The joins caused ~clients²/2 "has joined" notices: wait until that storm is over.
while (performance.now() - lastData < 500) await new Promise((r) => setTimeout(r, 100));
const warmup = 20;

const latencies: number[] = [];
for (let seq = 0; seq < messages + warmup; seq++) {
  pendingSeq = seq;
  remaining = rooms > 0 ? receivers.filter((_, i) => i % rooms === seq % rooms).length : clients;
  const done = new Promise<void>((resolve) => {
    onAllReceived = resolve;
  });
  const start = performance.now();
  const k = rooms > 0 ? seq % rooms : 0;
  const sender = senders[k] as Socket;
  send(
    sender,
    'send_message',
    rooms > 0 ? { message: `seq ${seq}`, room: roomOf(k) } : { message: `seq ${seq}` },
  );
  await done;
  if (seq >= warmup) latencies.push(performance.now() - start);
}
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
console.log(
  JSON.stringify({
    clients,
    rooms,
    messages,
    p50Ms: +pct(50).toFixed(2),
    p99Ms: +pct(99).toFixed(2),
    maxMs: +(latencies.at(-1) ?? 0).toFixed(2),
  }),
);
for (const s of receivers) s.destroy();
for (const s of senders) s.destroy();
server.kill('SIGTERM');
