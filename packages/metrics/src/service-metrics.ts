import type { Socket } from 'node:net';
import type { ConnectionObserver, RefuseReason } from '@sockworks/service';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { BoundedLabels } from './bounded-labels.js';
import { cellHistogram, HistogramCell, Tally, tallyCounter } from './cheap-metrics.js';

/** Why a connection ended, the `reason` of `<prefix>_connections_closed_total`. */
export const CLOSE_REASONS = [
  'normal',
  'error',
  'shutdown',
  'protocol_error',
  'timeout',
  'slow_consumer',
  'other',
] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** Why a connection was refused, the `reason` of `<prefix>_connections_refused_total`. */
export const REFUSE_REASONS = [
  'max_connections',
  'shutting_down',
  'unauthorized',
  'forbidden',
  'other',
] as const;
export type RefusedReason = (typeof REFUSE_REASONS)[number];

/**
 * Request duration buckets in seconds: from 50 µs (an in-memory command on a Unix socket) to 10 s
 * (a request queued behind a slow consumer's backpressure).
 */
export const DURATION_BUCKETS: readonly number[] = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
];

/** Options of {@link ServiceMetrics}. */
export interface ServiceMetricsOptions {
  /** Metric name prefix. @default 'sockworks' */
  prefix?: string;
  /** The protocol's method (command, message type) names: `method` label values; others are `other`. */
  methods: readonly string[];
  /** Types of messages the server sends: `type` label values; others are `other`. */
  sentTypes: readonly string[];
  /** Error codes the server answers with: `code` label values; others are `other`. */
  errorCodes: readonly string[];
  /** Node's default process metrics (event-loop lag, heap, GC, ...). @default true */
  defaultMetrics?: boolean;
  /** The error code of a request refused by a rate limit (also counts `rate_limited_total`). @default none */
  rateLimitedCode?: string;
  /** Labels on every series, e.g. `{ service: 'kv-unix-server' }`. @default none */
  defaultLabels?: Record<string, string>;
}

/**
 * A service's Prometheus registry and the standard sockworks metric set, with bounded labels. It is
 * the ConnectionObserver of the service's NetService or tracked HTTP server (connections and bytes),
 * and apps count messages, errors, slow consumers and rate limiting through its methods.
 */
export class ServiceMetrics implements ConnectionObserver {
  readonly registry = new Registry();
  readonly #accepted: Counter<string>;
  readonly #refused: BoundedLabels<Tally>;
  readonly #closed: BoundedLabels<Tally>;
  readonly #received: BoundedLabels<Tally>;
  readonly #sent: BoundedLabels<Tally>;
  readonly #errors: BoundedLabels<Tally>;
  readonly #duration: BoundedLabels<HistogramCell>;
  readonly #slow: Counter<string>;
  readonly #limited: Counter<string>;
  readonly #rateLimitedCode: string | undefined;
  /** Live sockets: their byte counts are read at scrape time, closed ones are added up on close. */
  readonly #live = new Set<Socket>();
  /** Close reasons an app noted before the socket closed (rare paths only). */
  readonly #closeReasons = new WeakMap<object, CloseReason>();
  #closedBytesRead = 0;
  #closedBytesWritten = 0;

  constructor(options: ServiceMetricsOptions) {
    const p = options.prefix ?? 'sockworks';
    const registers = [this.registry];
    if (options.defaultLabels !== undefined) this.registry.setDefaultLabels(options.defaultLabels);
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const live = this.#live;
    new Gauge({
      name: `${p}_connections_open`,
      help: 'Connections open now',
      registers,
      collect() {
        this.set(live.size);
      },
    });
    this.#accepted = new Counter({
      name: `${p}_connections_accepted_total`,
      help: 'Connections accepted',
      registers,
    });
    const tally = (name: string, help: string, label: string, values: readonly string[]) =>
      tallyCounter(registers, `${p}_${name}`, help, label, values);
    this.#refused = tally(
      'connections_refused_total',
      'Connections refused before the protocol started, by reason',
      'reason',
      REFUSE_REASONS,
    );
    this.#closed = tally(
      'connections_closed_total',
      'Connections closed, by reason',
      'reason',
      CLOSE_REASONS,
    );
    this.#rateLimitedCode = options.rateLimitedCode;
    this.#received = tally(
      'messages_received_total',
      'Requests and messages received, by method',
      'method',
      options.methods,
    );
    this.#sent = tally('messages_sent_total', 'Messages sent, by type', 'type', options.sentTypes);
    this.#errors = tally(
      'errors_total',
      'Error replies and errors closing a connection, by code',
      'code',
      options.errorCodes,
    );
    this.#duration = cellHistogram(
      registers,
      `${p}_request_duration_seconds`,
      'Time from a request being decoded to its reply being queued, by method',
      'method',
      options.methods,
      DURATION_BUCKETS,
    );
    const self = this;
    new Counter({
      name: `${p}_received_bytes_total`,
      help: 'Bytes received from clients',
      registers,
      collect() {
        this.reset();
        this.inc(self.#closedBytesRead + sum(live, 'bytesRead'));
      },
    });
    new Counter({
      name: `${p}_sent_bytes_total`,
      help: 'Bytes sent to clients',
      registers,
      collect() {
        this.reset();
        this.inc(self.#closedBytesWritten + sum(live, 'bytesWritten'));
      },
    });
    this.#slow = new Counter({
      name: `${p}_slow_consumers_total`,
      help: 'Clients disconnected for not reading their replies (backpressure limit)',
      registers,
    });
    this.#limited = new Counter({
      name: `${p}_rate_limited_total`,
      help: 'Requests refused by a rate limit',
      registers,
    });
  }

  /** The text exposition of every metric (for `/metrics`). */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** The `Content-Type` of {@link metrics}. */
  get contentType(): string {
    return this.registry.contentType;
  }

  accepted(socket: Socket): void {
    this.#live.add(socket);
    this.#accepted.inc();
  }

  refused(_socket: Socket, reason: RefuseReason): void {
    this.#refused.get(reason).n++;
  }

  closed(socket: Socket, shuttingDown: boolean): void {
    if (!this.#live.delete(socket)) return;
    this.#closedBytesRead += socket.bytesRead;
    this.#closedBytesWritten += socket.bytesWritten;
    const noted = this.#closeReasons.get(socket);
    const reason = noted ?? (shuttingDown ? 'shutdown' : socket.errored !== null ? 'error' : 'normal');
    this.#closed.get(reason).n++;
  }

  /** Records why the server is closing `socket` (counted when it closes; the first note wins). */
  closeReason(socket: object, reason: CloseReason): void {
    if (!this.#closeReasons.has(socket)) this.#closeReasons.set(socket, reason);
  }

  /** A connection refused by the app (authentication, origin) after the runtime accepted the socket. */
  refusedByApp(reason: RefusedReason): void {
    this.#refused.get(reason).n++;
  }

  /**
   * Adds method names known only once the app registered its methods (its own list, never client
   * input), so the `method` label stays bounded.
   */
  allowMethods(methods: Iterable<string>): void {
    for (const method of methods) {
      this.#received.add(method, new Tally());
      this.#duration.add(method, new HistogramCell(DURATION_BUCKETS));
    }
  }

  /** One request or message received. */
  received(method: string): void {
    this.#received.get(method).n++;
  }

  /** One request done: its duration, and its error code unless it succeeded (`code` 'ok'). */
  observe(method: string, seconds: number, code: string): void {
    this.#duration.get(method).observe(seconds);
    if (code === 'ok') return;
    this.#errors.get(code).n++;
    if (code === this.#rateLimitedCode) this.#limited.inc();
  }

  /** `count` messages of `type` sent. */
  sent(type: string, count = 1): void {
    this.#sent.get(type).n += count;
  }

  /** An error not tied to a request (a framing error, a timeout) by code. */
  error(code: string): void {
    this.#errors.get(code).n++;
  }

  /** A client cut off for not reading (`socket`: also its close reason). */
  slowConsumer(socket?: object): void {
    this.#slow.inc();
    if (socket !== undefined) this.closeReason(socket, 'slow_consumer');
  }

  /** A request refused by a rate limit. */
  rateLimited(): void {
    this.#limited.inc();
  }
}

function sum(sockets: ReadonlySet<Socket>, field: 'bytesRead' | 'bytesWritten'): number {
  let total = 0;
  for (const socket of sockets) total += socket[field];
  return total;
}
