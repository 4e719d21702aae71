/** One connection of the load generator: keeps a window of pipelined requests in flight. */
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { HEADER_BYTES } from '../protocol/frame.js';
import type { LatencyHistogram } from './histogram.js';

/** State shared by all connections of one run. */
export interface RunState {
  sending: boolean;
  measuring: boolean;
  counted: number;
  errors: number;
  histogram: LatencyHistogram;
}

/** A load connection. */
export class LoadConnection {
  onFailure: (err: Error) => void = () => {};
  readonly #socket: Socket;
  readonly #request: Buffer;
  /** `window` copies of the request: a prefix of it is the batch for any number of replies. */
  readonly #batch: Buffer;
  readonly #expected: Buffer;
  readonly #window: number;
  readonly #run: RunState;
  /** Send times of the requests in flight, a ring in FIFO order. */
  readonly #sentAt: Float64Array;
  #head = 0;
  #inFlight = 0;
  /** Reply parsing: header bytes seen of the current frame and body bytes still to skip. */
  readonly #header = Buffer.alloc(HEADER_BYTES);
  #headerFill = 0;
  #bodyLeft = 0;
  #drainWaiter: (() => void) | null = null;

  private constructor(socket: Socket, request: Buffer, expected: Buffer, window: number, run: RunState) {
    this.#socket = socket;
    this.#request = request;
    this.#batch = Buffer.concat(Array.from({ length: window }, () => request));
    this.#expected = expected;
    this.#window = window;
    this.#run = run;
    this.#sentAt = new Float64Array(window);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => this.onFailure(err));
    socket.on('close', () => {
      if (this.#run.sending) this.onFailure(new Error('server closed a load connection'));
    });
  }

  static open(
    host: string,
    port: number,
    request: Buffer,
    expected: Buffer,
    window: number,
    run: RunState,
  ): Promise<LoadConnection> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host, port, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new LoadConnection(socket, request, expected, window, run));
      });
    });
  }

  /** Fills the window. */
  start(): void {
    this.#send(this.#window, performance.now());
  }

  /** Resolves once no request is in flight. */
  drained(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drainWaiter = resolve;
    });
  }

  destroy(): void {
    this.#run.sending = false;
    this.#socket.destroy();
  }

  #send(n: number, now: number): void {
    const w = this.#window;
    let slot = (this.#head + this.#inFlight) % w;
    for (let i = 0; i < n; i++) {
      this.#sentAt[slot] = now;
      slot = slot + 1 === w ? 0 : slot + 1;
    }
    this.#inFlight += n;
    this.#socket.write(n === w ? this.#batch : this.#batch.subarray(0, n * this.#request.length));
  }

  #onData(chunk: Buffer): void {
    const now = performance.now();
    const n = chunk.length;
    let i = 0;
    let replies = 0;
    while (i < n) {
      if (this.#bodyLeft > 0) {
        const take = Math.min(this.#bodyLeft, n - i);
        this.#bodyLeft -= take;
        i += take;
        if (this.#bodyLeft === 0) replies++;
        continue;
      }
      let length: number;
      if (this.#headerFill === 0 && n - i >= HEADER_BYTES) {
        length = chunk.readUInt32BE(i);
        i += HEADER_BYTES;
      } else {
        while (this.#headerFill < HEADER_BYTES && i < n) this.#header[this.#headerFill++] = chunk[i++]!;
        if (this.#headerFill < HEADER_BYTES) break;
        this.#headerFill = 0;
        length = this.#header.readUInt32BE(0);
      }
      const expected = this.#expected;
      if (
        n - i >= expected.length &&
        chunk.compare(expected, 0, expected.length, i, i + expected.length) !== 0
      ) {
        this.#run.errors++;
      }
      if (n - i >= length) {
        i += length;
        replies++;
      } else {
        this.#bodyLeft = length - (n - i);
        i = n;
      }
    }
    if (replies === 0) return;
    const run = this.#run;
    const w = this.#window;
    const sentAt = this.#sentAt;
    if (run.measuring) {
      run.counted += replies;
      const histogram = run.histogram;
      let head = this.#head;
      for (let k = 0; k < replies; k++) {
        histogram.record(now - sentAt[head]!);
        head = head + 1 === w ? 0 : head + 1;
      }
    } else if (run.sending) {
      run.counted += replies;
    }
    this.#head = (this.#head + replies) % w;
    this.#inFlight -= replies;
    if (run.sending) this.#send(replies, now);
    else if (this.#inFlight === 0) this.#drainWaiter?.();
  }
}
