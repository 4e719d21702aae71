import type { Socket } from 'node:net';
import type { ConnectionObserver, RefuseReason } from '@sockworks/service';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { BoundedLabels } from './bounded-labels.js';

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
export const DURATION_BUCKETS = [
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

type CounterChild = ReturnType<Counter<string>['labels']>;
type HistogramChild = ReturnType<Histogram<string>['labels']>;

/**
 * A service's Prometheus registry and the standard sockworks metric set, with bounded labels. It is
 * the ConnectionObserver of the service's NetService or tracked HTTP server (connections and bytes),
 * and apps count messages, errors, slow consumers and rate limiting through its methods.
 */
export class ServiceMetrics implements ConnectionObserver {
  readonly registry = new Registry();
  readonly #accepted: Counter<string>;
  readonly #refused: BoundedLabels<CounterChild>;
  readonly #closed: BoundedLabels<CounterChild>;
  readonly #received: BoundedLabels<CounterChild>;
  readonly #sent: BoundedLabels<CounterChild>;
  readonly #errors: BoundedLabels<CounterChild>;
  readonly #duration: BoundedLabels<HistogramChild>;
  readonly #slow: Counter<string>;
  readonly #limited: Counter<string>;
  readonly #rateLimitedCode: string | undefined;
  readonly #receivedCounter: Counter<string>;
  readonly #durationHistogram: Histogram<string>;
  /** Live sockets: their byte counts are read at scrape time, closed ones are added up on close. */
  readonly #live = new Set<Socket>();
  /** Close reasons an app noted before the socket closed (rare paths only). */
  readonly #closeReasons = new WeakMap<Socket, CloseReason>();
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
    const labelled = (name: string, help: string, label: string, values: readonly string[]) => {
      const counter = new Counter({ name: `${p}_${name}`, help, labelNames: [label], registers });
      return new BoundedLabels(values, (v) => counter.labels(v));
    };
    this.#refused = labelled(
      'connections_refused_total',
      'Connections refused before the protocol started, by reason',
      'reason',
      REFUSE_REASONS,
    );
    this.#closed = labelled(
      'connections_closed_total',
      'Connections closed, by reason',
      'reason',
      CLOSE_REASONS,
    );
    this.#rateLimitedCode = options.rateLimitedCode;
    this.#receivedCounter = new Counter({
      name: `${p}_messages_received_total`,
      help: 'Requests and messages received, by method',
      labelNames: ['method'],
      registers,
    });
    this.#received = new BoundedLabels(options.methods, (v) => this.#receivedCounter.labels(v));
    this.#sent = labelled('messages_sent_total', 'Messages sent, by type', 'type', options.sentTypes);
    this.#errors = labelled(
      'errors_total',
      'Error replies and errors closing a connection, by code',
      'code',
      [...options.errorCodes],
    );
    const duration = new Histogram({
      name: `${p}_request_duration_seconds`,
      help: 'Time from a request being decoded to its reply being queued, by method',
      labelNames: ['method'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.#durationHistogram = duration;
    this.#duration = new BoundedLabels(options.methods, (v) => duration.labels(v));
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
    this.#refused.get(reason).inc();
  }

  closed(socket: Socket, shuttingDown: boolean): void {
    if (!this.#live.delete(socket)) return;
    this.#closedBytesRead += socket.bytesRead;
    this.#closedBytesWritten += socket.bytesWritten;
    const noted = this.#closeReasons.get(socket);
    const reason = noted ?? (shuttingDown ? 'shutdown' : socket.errored !== null ? 'error' : 'normal');
    this.#closed.get(reason).inc();
  }

  /** Records why the server is closing `socket` (counted when it closes; the first note wins). */
  closeReason(socket: Socket, reason: CloseReason): void {
    if (!this.#closeReasons.has(socket)) this.#closeReasons.set(socket, reason);
  }

  /** A connection refused by the app (authentication, origin) after the runtime accepted the socket. */
  refusedByApp(reason: RefusedReason): void {
    this.#refused.get(reason).inc();
  }

  /**
   * Adds method names known only once the app registered its methods (its own list, never client
   * input), so the `method` label stays bounded.
   */
  allowMethods(methods: Iterable<string>): void {
    for (const method of methods) {
      this.#received.add(method, this.#receivedCounter.labels(method));
      this.#duration.add(method, this.#durationHistogram.labels(method));
    }
  }

  /** One request or message received. */
  received(method: string): void {
    this.#received.get(method).inc();
  }

  /** One request done: its duration, and its error code unless it succeeded (`code` 'ok'). */
  observe(method: string, seconds: number, code: string): void {
    this.#duration.get(method).observe(seconds);
    if (code === 'ok') return;
    this.#errors.get(code).inc();
    if (code === this.#rateLimitedCode) this.#limited.inc();
  }

  /** `count` messages of `type` sent. */
  sent(type: string, count = 1): void {
    this.#sent.get(type).inc(count);
  }

  /** An error not tied to a request (a framing error, a timeout) by code. */
  error(code: string): void {
    this.#errors.get(code).inc();
  }

  /** A client cut off for not reading (`socket`: also its close reason). */
  slowConsumer(socket?: Socket): void {
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
