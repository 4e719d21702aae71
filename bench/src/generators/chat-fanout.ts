import { connect, type Socket } from 'node:net';
import { LatencyRecorder, nowUs } from '../stats.ts';

/** Result of a broadcast fan-out run. */
export interface FanoutResult {
  receivers: number;
  messages: number;
  /** deliveries per second: messages x receivers that got them, over the sending time */
  deliveredPerSecond: number;
  /** per message: time until every receiver had it */
  allReceived: ReturnType<LatencyRecorder['summary']>;
  lost: number;
  errors: number;
}

function lines(socket: Socket, onLine: (line: string) => void): void {
  let rest = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    const text = rest + chunk;
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) if (p) onLine(p);
  });
}

/** Joins `receivers` clients, then one sender sends `messages` chat messages at `intervalMs`. */
export async function runChatFanout(opts: {
  host: string;
  port: number;
  receivers: number;
  messages: number;
  intervalMs: number;
  onProgress?(done: number): void;
}): Promise<FanoutResult> {
  let errors = 0;
  const sentAt = new Float64Array(opts.messages);
  const got = new Uint32Array(opts.messages);
  const allReceived = new LatencyRecorder();
  let complete = 0;
  let deliveries = 0;
  const sockets: Socket[] = [];

  const join = (name: string, onLine?: (line: string) => void) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: opts.host, port: opts.port });
      sockets.push(socket);
      let joined = false;
      socket.on('error', (err) => {
        errors++;
        if (!joined) reject(err);
      });
      socket.on('connect', () =>
        socket.write(JSON.stringify({ method: 'join_chat', params: { username: name } })),
      );
      lines(socket, (line) => {
        if (!joined && line.includes('"status"')) {
          joined = true;
          resolve(socket);
          return;
        }
        onLine?.(line);
      });
    });

  // Join in small batches so the accept queue and the join broadcasts stay reasonable.
  for (let i = 0; i < opts.receivers; i += 50) {
    const batch: Promise<Socket>[] = [];
    for (let j = i; j < Math.min(opts.receivers, i + 50); j++) {
      batch.push(
        join(`r${j}`, (line) => {
          if (!line.includes('"type":"chat"')) return;
          const m = /"message":"m(\d+)"/.exec(line);
          if (!m) return;
          const seq = Number(m[1]);
          if (seq >= opts.messages) return;
          deliveries++;
          const count = (got[seq] ?? 0) + 1;
          got[seq] = count;
          if (count === opts.receivers) {
            allReceived.record(nowUs() - (sentAt[seq] ?? 0));
            complete++;
          }
        }),
      );
    }
    await Promise.all(batch);
  }
  const sender = await join('sender');

  const started = nowUs();
  const progress = setInterval(() => opts.onProgress?.(complete), 250);
  for (let seq = 0; seq < opts.messages; seq++) {
    sentAt[seq] = nowUs();
    sender.write(JSON.stringify({ method: 'send_message', params: { message: `m${seq}` } }));
    await new Promise((r) => setTimeout(r, opts.intervalMs));
  }
  // Wait (bounded) for the last deliveries.
  const deadline = Date.now() + 5000;
  while (complete < opts.messages && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const elapsedMs = (nowUs() - started) / 1000;
  clearInterval(progress);
  for (const s of sockets) s.destroy();
  return {
    receivers: opts.receivers,
    messages: opts.messages,
    deliveredPerSecond: (deliveries * 1000) / elapsedMs,
    allReceived: allReceived.summary(),
    lost: opts.messages - complete,
    errors,
  };
}
