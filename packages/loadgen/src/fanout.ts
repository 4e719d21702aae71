/**
 * Broadcast fan-out over a line protocol: N receivers join, one sender sends numbered messages, and for
 * each message the generator measures the time from its write until the last receiver has it. The
 * protocol (how to join, how a message is sent and recognised) is the caller's; lines are decoded by
 * a size-limited push decoder. Every wait is bounded: connecting, each join, each delivery.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ClientErrorCode, ProtocolError } from '@sockworks/error-codes';
import { LineDecoder } from '@sockworks/framing';
import { checkInt, withDefaults } from '@sockworks/service';
import { delay } from './delay.js';
import { LatencyHistogram, type LatencySummary } from './histogram.js';
import { connectSocket, describeTarget, type LoadTarget } from './target.js';

/** How a fan-out run speaks the server's protocol (each method returns or reads one message). */
export interface FanoutProtocol {
  /** The bytes that join client `name`. */
  join(name: string): Uint8Array;
  /** True for the line that acknowledges a join. */
  joined(line: string): boolean;
  /** The bytes that broadcast message number `seq`. */
  message(seq: number): Uint8Array;
  /** The number of the broadcast message a line delivers, or undefined for any other line. */
  delivered(line: string): number | undefined;
}

/** Defaults of {@link FanoutOptions}. */
export const FANOUT_DEFAULTS = {
  /** Messages sent first and not measured. @default 0 */
  warmupMessages: 0,
  /** Time between sends; 0 sends each message once every receiver has the previous one. @default 0 */
  intervalMs: 0,
  /** Receivers joining at once. @default 50 */
  joinConcurrency: 50,
  /** @default 5000 */
  connectTimeoutMs: 5_000,
  /** Time a join has to be acknowledged. @default 5000 */
  joinTimeoutMs: 5_000,
  /**
   * After the joins, wait until no receiver has received anything for this long (the join notices
   * have all arrived), at most `deliveryTimeoutMs`; 0 skips the wait. @default 0
   */
  settleMs: 0,
  /** Time a message has to reach every receiver before it counts as lost. @default 5000 */
  deliveryTimeoutMs: 5_000,
  /** Longest line a receiver accepts. @default 65536 */
  maxLineBytes: 64 * 1024,
  /** @default 250 */
  progressIntervalMs: 250,
} as const;

/** Options of {@link runFanout}. */
export interface FanoutOptions {
  target: LoadTarget;
  protocol: FanoutProtocol;
  receivers: number;
  /** Measured messages. */
  messages: number;
  warmupMessages?: number;
  intervalMs?: number;
  joinConcurrency?: number;
  connectTimeoutMs?: number;
  joinTimeoutMs?: number;
  settleMs?: number;
  deliveryTimeoutMs?: number;
  maxLineBytes?: number;
  progressIntervalMs?: number;
  /** Called every `progressIntervalMs` with the measured messages every receiver has. */
  onProgress?(complete: number): void;
}

/** The numbers of a fan-out run (measured messages only). */
export interface FanoutResult {
  receivers: number;
  messages: number;
  /** Deliveries (message x receiver) per second, from the first measured send to the last delivery. */
  deliveredPerSecond: number;
  /** Per message: time from its write until every receiver had it. */
  allReceived: LatencySummary;
  /** Messages not received by every receiver within `deliveryTimeoutMs`. */
  lost: number;
  /** Socket errors and undecodable lines after the joins. */
  errors: number;
}

type Resolved = Required<Omit<FanoutOptions, 'onProgress'>> & Pick<FanoutOptions, 'onProgress'>;

/** Joins the receivers and a sender, sends the messages, and resolves with the numbers. */
export async function runFanout(options: FanoutOptions): Promise<FanoutResult> {
  const o: Resolved = withDefaults(FANOUT_DEFAULTS, options);
  for (const name of ['warmupMessages', 'intervalMs', 'settleMs'] as const)
    checkInt(name, o[name], { min: 0 });
  for (const name of [
    'receivers',
    'messages',
    'joinConcurrency',
    'connectTimeoutMs',
    'joinTimeoutMs',
    'deliveryTimeoutMs',
    'maxLineBytes',
    'progressIntervalMs',
  ] as const)
    checkInt(name, o[name]);
  return new FanoutRun(o).run();
}

class FanoutRun {
  readonly #o: Resolved;
  readonly #total: number;
  readonly #sentAt: Float64Array;
  readonly #got: Uint32Array;
  readonly #histogram = new LatencyHistogram();
  readonly #sockets: Socket[] = [];
  #complete = 0;
  #deliveries = 0;
  #errors = 0;
  #lastData = 0;
  /** Resolved when message #waitingFor has reached every receiver. */
  #waitingFor = -1;
  #arrived: () => void = () => {};

  constructor(o: Resolved) {
    this.#o = o;
    this.#total = o.warmupMessages + o.messages;
    this.#sentAt = new Float64Array(this.#total);
    this.#got = new Uint32Array(this.#total);
  }

  async run(): Promise<FanoutResult> {
    const o = this.#o;
    const progress = setInterval(() => o.onProgress?.(this.#measuredComplete()), o.progressIntervalMs);
    try {
      for (let i = 0; i < o.receivers; i += o.joinConcurrency) {
        const batch: Promise<Socket>[] = [];
        for (let j = i; j < Math.min(o.receivers, i + o.joinConcurrency); j++)
          batch.push(this.#join(`r${j}`, true));
        const settled = await Promise.allSettled(batch);
        const failed = settled.find((s) => s.status === 'rejected');
        if (failed) throw failed.reason;
      }
      const sender = await this.#join('sender', false);
      if (o.settleMs > 0) await this.#settle();
      let firstMeasured = 0;
      for (let seq = 0; seq < this.#total; seq++) {
        const now = performance.now();
        if (seq === o.warmupMessages) firstMeasured = now;
        this.#sentAt[seq] = now;
        if (o.intervalMs > 0) {
          sender.write(o.protocol.message(seq));
          await delay(o.intervalMs).done;
        } else {
          const arrived = this.#until(seq);
          sender.write(o.protocol.message(seq));
          await this.#bounded(arrived);
        }
      }
      // Paced: the last messages may still be on their way.
      if (o.intervalMs > 0) await this.#bounded(this.#until(this.#total - 1, true));
      const elapsedMs = performance.now() - firstMeasured;
      const complete = this.#measuredComplete();
      return {
        receivers: o.receivers,
        messages: o.messages,
        deliveredPerSecond: elapsedMs > 0 ? (this.#deliveries * 1000) / elapsedMs : 0,
        allReceived: this.#histogram.summary(),
        lost: o.messages - complete,
        errors: this.#errors,
      };
    } finally {
      clearInterval(progress);
      for (const s of this.#sockets) s.destroy();
    }
  }

  #measuredComplete(): number {
    return Math.max(0, this.#complete - this.#o.warmupMessages);
  }

  /** Connects and joins as `name`; a receiver counts the messages its lines deliver. */
  async #join(name: string, receiver: boolean): Promise<Socket> {
    const o = this.#o;
    const what = `${receiver ? 'receiver' : 'sender'} ${name} at ${describeTarget(o.target)}`;
    const socket = await connectSocket(o.target, o.connectTimeoutMs, what);
    this.#sockets.push(socket);
    return new Promise<Socket>((resolve, reject) => {
      let joined = false;
      const fail = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      const timer = setTimeout(
        () =>
          fail(
            new ProtocolError(
              ClientErrorCode.REQUEST_TIMEOUT,
              `${what}: join not acknowledged within ${o.joinTimeoutMs} ms`,
            ),
          ),
        o.joinTimeoutMs,
      );
      const decoder = new LineDecoder({
        maxLineBytes: o.maxLineBytes,
        onMessage: (line) => {
          if (!joined) {
            if (!o.protocol.joined(line)) return;
            joined = true;
            clearTimeout(timer);
            resolve(socket);
            return;
          }
          if (receiver) this.#onLine(line);
        },
        onError: () => {
          this.#errors++;
        },
      });
      socket.on('data', (chunk: Buffer) => {
        this.#lastData = performance.now();
        decoder.push(chunk);
      });
      socket.on('error', (err) => {
        if (joined) this.#errors++;
        else
          fail(
            new ProtocolError(ClientErrorCode.CONNECTION_CLOSED, `${what}: ${err.message}`, { cause: err }),
          );
      });
      socket.on('close', () => {
        if (!joined)
          fail(
            new ProtocolError(
              ClientErrorCode.CONNECTION_CLOSED,
              `${what}: closed before the join was acknowledged`,
            ),
          );
      });
      socket.write(o.protocol.join(name));
    });
  }

  #onLine(line: string): void {
    const seq = this.#o.protocol.delivered(line);
    if (seq === undefined || !(seq >= 0 && seq < this.#total)) return;
    const count = this.#got[seq]! + 1;
    this.#got[seq] = count;
    const measured = seq >= this.#o.warmupMessages;
    if (measured) this.#deliveries++;
    if (count !== this.#o.receivers) return;
    this.#complete++;
    if (measured) this.#histogram.record(performance.now() - this.#sentAt[seq]!);
    if (this.#waitingFor === seq || (this.#waitingFor === this.#total && this.#complete === this.#total)) {
      this.#arrived();
    }
  }

  /** A promise for message `seq` reaching every receiver (with `all`: every message). */
  #until(seq: number, all = false): Promise<void> {
    const done = all ? this.#complete === this.#total : this.#got[seq] === this.#o.receivers;
    if (done) return Promise.resolve();
    this.#waitingFor = all ? this.#total : seq;
    return new Promise<void>((resolve) => {
      this.#arrived = resolve;
    });
  }

  /** Waits for `arrived`, at most `deliveryTimeoutMs` (a message that takes longer is lost). */
  async #bounded(arrived: Promise<void>): Promise<void> {
    const deadline = delay(this.#o.deliveryTimeoutMs);
    await Promise.race([arrived, deadline.done]);
    clearTimeout(deadline.timer);
  }

  /** Waits until nothing has arrived for `settleMs` (join notices done), at most `deliveryTimeoutMs`. */
  async #settle(): Promise<void> {
    const { settleMs, deliveryTimeoutMs } = this.#o;
    const end = performance.now() + deliveryTimeoutMs;
    this.#lastData = performance.now();
    for (;;) {
      const now = performance.now();
      const quietFor = now - this.#lastData;
      if (quietFor >= settleMs || now >= end) return;
      await delay(Math.min(settleMs - quietFor, end - now)).done;
    }
  }
}
