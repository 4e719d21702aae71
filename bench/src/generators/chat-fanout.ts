import { connect, type Socket } from 'node:net';
import { LatencyRecorder, nowUs } from '../stats.ts';

/** Result of a broadcast fan-out run. */
export interface FanoutResult {
  receivers: number;
  /** rooms the receivers were spread over (0: none, everyone in `general`) */
  rooms: number;
  messages: number;
  /** deliveries per second: messages x receivers that got them, over the sending time */
  deliveredPerSecond: number;
  /** per message: time until every receiver it was meant for had it */
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

/** Room `k` of a run with rooms. */
const roomName = (k: number) => `room${k}`;

/**
 * Joins `receivers` clients, then sends `messages` chat messages at `intervalMs`. Without rooms one
 * sender posts to everyone (the spec's broadcast, room `general`). With `rooms` > 0 the receivers are
 * spread evenly over that many rooms (`join_room`), each room has its own sender, and message `i`
 * goes to room `i % rooms`: its latency is the time until every member of that room has it.
 */
export async function runChatFanout(opts: {
  host: string;
  port: number;
  receivers: number;
  rooms?: number;
  messages: number;
  intervalMs: number;
  onProgress?(done: number): void;
}): Promise<FanoutResult> {
  const rooms = opts.rooms ?? 0;
  let errors = 0;
  const sentAt = new Float64Array(opts.messages);
  const got = new Uint32Array(opts.messages);
  // How many receivers each message is meant for.
  const members = (seq: number) =>
    rooms === 0
      ? opts.receivers
      : Math.floor(opts.receivers / rooms) + (seq % rooms < opts.receivers % rooms ? 1 : 0);
  const allReceived = new LatencyRecorder();
  let complete = 0;
  let deliveries = 0;
  const sockets: Socket[] = [];

  // Connects, joins the chat as `name` and then each of `joinRooms`; resolves once every reply came.
  const join = (name: string, joinRooms: string[], onLine?: (line: string) => void) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: opts.host, port: opts.port });
      sockets.push(socket);
      let replies = 0;
      socket.on('error', (err) => {
        errors++;
        if (replies <= joinRooms.length) reject(err);
      });
      socket.on('connect', () => {
        // Rooms are protocol 2 (join_room needs it); the broadcast row stays on the spec's protocol.
        const params = rooms === 0 ? { username: name } : { username: name, protocol: 2 };
        socket.write(JSON.stringify({ method: 'join_chat', params }));
        for (const room of joinRooms) socket.write(JSON.stringify({ method: 'join_room', params: { room } }));
      });
      lines(socket, (line) => {
        // Replies carry "status" and no "type" (a presence broadcast has both).
        if (replies <= joinRooms.length && line.includes('"status"') && !line.includes('"type"')) {
          if (line.includes('"status":"error"')) reject(new Error(`${name}: ${line}`));
          else if (++replies > joinRooms.length) resolve(socket);
          return;
        }
        onLine?.(line);
      });
    });

  const onChat = (line: string) => {
    if (!line.includes('"type":"chat"')) return;
    const m = /"message":"m(\d+)"/.exec(line);
    if (!m) return;
    const seq = Number(m[1]);
    if (seq >= opts.messages) return;
    deliveries++;
    const count = (got[seq] ?? 0) + 1;
    got[seq] = count;
    if (count === members(seq)) {
      allReceived.record(nowUs() - (sentAt[seq] ?? 0));
      complete++;
    }
  };

  // Join in small batches so the accept queue and the join broadcasts stay reasonable.
  for (let i = 0; i < opts.receivers; i += 50) {
    const batch: Promise<Socket>[] = [];
    for (let j = i; j < Math.min(opts.receivers, i + 50); j++) {
      batch.push(join(`r${j}`, rooms === 0 ? [] : [roomName(j % rooms)], onChat));
    }
    await Promise.all(batch);
  }
  const senders =
    rooms === 0
      ? [await join('sender', [])]
      : await Promise.all(Array.from({ length: rooms }, (_, k) => join(`sender${k}`, [roomName(k)])));

  const started = nowUs();
  const progress = setInterval(() => opts.onProgress?.(complete), 250);
  for (let seq = 0; seq < opts.messages; seq++) {
    const k = rooms === 0 ? 0 : seq % rooms;
    sentAt[seq] = nowUs();
    const params = rooms === 0 ? { message: `m${seq}` } : { message: `m${seq}`, room: roomName(k) };
    senders[k]?.write(JSON.stringify({ method: 'send_message', params }));
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
    rooms,
    messages: opts.messages,
    deliveredPerSecond: (deliveries * 1000) / elapsedMs,
    allReceived: allReceived.summary(),
    lost: opts.messages - complete,
    errors,
  };
}
