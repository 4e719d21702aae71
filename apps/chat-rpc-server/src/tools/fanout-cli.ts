/**
 * Fan-out benchmark: one sender, N joined receivers (default 1000), M messages sent one at a time,
 * each once every receiver has the previous one. For each message it measures the time from write to
 * the moment the LAST receiver has it, and prints p50/p99/max. The server runs as a child process so
 * clients and server do not share an event loop.
 * Run: node --conditions=sockworks-source --import tsx src/tools/fanout-cli.ts [clients] [messages]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runChatFanout } from './fanout.js';

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
try {
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the server did not log "listening" within 30 s')),
      30_000,
    );
    server.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
    server.stdout.setEncoding('utf8').on('data', (t: string) => {
      const m = /"address":"[^"]*:(\d+)".*"msg":"listening"/.exec(t);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  const result = await runChatFanout({
    target: { host: '127.0.0.1', port },
    receivers: clients,
    messages,
    // The joins cause ~clients²/2 "has joined" notices: start once that storm is over.
    settleMs: 500,
    warmupMessages: 20,
  });
  const l = result.allReceived;
  console.log(
    JSON.stringify({
      clients,
      messages,
      p50Ms: +l.p50Ms.toFixed(2),
      p99Ms: +l.p99Ms.toFixed(2),
      maxMs: +l.maxMs.toFixed(2),
      lost: result.lost,
    }),
  );
} finally {
  server.kill('SIGTERM');
}
