import { connect, type Socket } from 'node:net';
import { LatencyRecorder, nowUs } from '../stats.ts';
import { connectOptions, type Target } from '../target.ts';

/** Counts complete replies in a byte stream (kept per connection). */
export interface ReplyCounter {
  /** Returns how many replies ended inside this chunk. */
  feed(chunk: Buffer): number;
}

/** Options of a windowed request/response load over raw sockets. */
export interface WindowedLoadOptions {
  target: Target;
  connections: number;
  /** Requests in flight per connection (1 = no pipelining). */
  window: number;
  durationMs: number;
  /** Request messages for connection `c`, sent round-robin. */
  requests(c: number): Buffer[];
  replyCounter(): ReplyCounter;
  onProgress?(completed: number): void;
}

/** The outcome of one load run. */
export interface LoadResult {
  completed: number;
  elapsedMs: number;
  perSecond: number;
  latency: ReturnType<LatencyRecorder['summary']>;
  errors: number;
}

/**
 * Keeps `window` requests in flight on each connection for `durationMs`. Replies are matched to
 * requests in order (all our protocols answer a connection's requests in order), which gives each
 * request's latency without parsing reply bodies.
 */
export async function runWindowedLoad(opts: WindowedLoadOptions): Promise<LoadResult> {
  const latency = new LatencyRecorder();
  let completed = 0;
  let errors = 0;
  let running = true;
  const sockets: Socket[] = [];

  const started = nowUs();
  const finished: Promise<void>[] = [];
  for (let c = 0; c < opts.connections; c++) {
    const requests = opts.requests(c);
    const counter = opts.replyCounter();
    const sentAt = new Float64Array(opts.window);
    let head = 0;
    let tail = 0;
    let next = 0;
    const socket = connect(connectOptions(opts.target));
    socket.setNoDelay(true);
    sockets.push(socket);

    const send = (n: number) => {
      const parts: Buffer[] = [];
      const t = nowUs();
      for (let i = 0; i < n; i++) {
        parts.push(requests[next] as Buffer);
        next = (next + 1) % requests.length;
        sentAt[tail] = t;
        tail = (tail + 1) % opts.window;
      }
      socket.write(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts));
    };

    finished.push(
      new Promise<void>((resolve) => {
        let inFlight = 0;
        socket.on('connect', () => {
          inFlight = opts.window;
          send(opts.window);
        });
        socket.on('data', (chunk: Buffer) => {
          const n = counter.feed(chunk);
          if (n === 0) return;
          const t = nowUs();
          for (let i = 0; i < n; i++) {
            latency.record(t - (sentAt[head] ?? t));
            head = (head + 1) % opts.window;
          }
          completed += n;
          inFlight -= n;
          if (running) {
            inFlight += n;
            send(n);
          } else if (inFlight <= 0) {
            socket.end();
          }
        });
        socket.on('error', () => {
          errors++;
        });
        socket.on('close', () => resolve());
      }),
    );
  }

  const progress = setInterval(() => opts.onProgress?.(completed), 250);
  await new Promise((r) => setTimeout(r, opts.durationMs));
  running = false;
  const elapsedMs = (nowUs() - started) / 1000;
  const counted = completed;
  // Let in-flight replies drain (bounded), then close everything.
  const drained = Promise.all(finished);
  const timeout = new Promise((r) => setTimeout(r, 2000));
  await Promise.race([drained, timeout]);
  for (const s of sockets) s.destroy();
  clearInterval(progress);
  return {
    completed: counted,
    elapsedMs,
    perSecond: (counted * 1000) / elapsedMs,
    latency: latency.summary(),
    errors,
  };
}

/** Counts `\n`-terminated replies. */
export function lineCounter(): ReplyCounter {
  return {
    feed(chunk) {
      let n = 0;
      let i = chunk.indexOf(10);
      while (i !== -1) {
        n++;
        i = chunk.indexOf(10, i + 1);
      }
      return n;
    },
  };
}

/** Counts 4-byte big-endian length-prefixed frames, headers split across chunks included. */
export function frameCounter(): ReplyCounter {
  let headerBytes = 0;
  let header = 0;
  let bodyLeft = 0;
  return {
    feed(chunk) {
      let n = 0;
      let i = 0;
      while (i < chunk.length) {
        if (bodyLeft > 0) {
          const take = Math.min(bodyLeft, chunk.length - i);
          bodyLeft -= take;
          i += take;
          if (bodyLeft === 0) n++;
          continue;
        }
        header = header * 256 + (chunk[i] as number);
        headerBytes++;
        i++;
        if (headerBytes === 4) {
          bodyLeft = header;
          headerBytes = 0;
          header = 0;
          if (bodyLeft === 0) n++;
        }
      }
      return n;
    },
  };
}
