/** Flags and environment variables of `tcp-client` (`tcp-client --help`). */
import { defineCli } from '@sockworks/service/cli';
import { TCP_CLIENT_DEFAULTS } from '../client/client-options.js';
import { LOAD_DEFAULTS } from '../tools/load.js';

/** The client's modes, as in the spec. */
export const CLIENT_MODES = ['demo', 'interactive', 'performance'] as const;
export type ClientMode = (typeof CLIENT_MODES)[number];

export const clientCli = defineCli({
  name: 'tcp-client',
  usage: '[demo|interactive|performance] [options]',
  description:
    'Client of binary-tcp-server. demo (default) sends every message type and prints the replies; ' +
    'interactive reads commands (/ping, /echo <msg>, /broadcast <msg>, /stats, /custom <type> [json], ' +
    '/exit; other text is sent as a message); performance runs a load test and prints msg/s and latency.',
  options: {
    host: {
      type: 'string',
      flag: '--host',
      env: 'TCP_HOST',
      default: TCP_CLIENT_DEFAULTS.host,
      description: 'Server host',
    },
    port: {
      type: 'port',
      flag: '--port',
      short: '-p',
      env: 'TCP_PORT',
      default: TCP_CLIENT_DEFAULTS.port,
      description: 'Server port',
    },
    reconnect: {
      type: 'enum',
      flag: '--reconnect',
      env: 'TCP_CLIENT_RECONNECT',
      choices: ['auto', 'on', 'off'],
      default: 'auto',
      description: 'Reconnect with exponential backoff after a drop (auto = on in interactive mode only)',
    },
    requestTimeoutMs: {
      type: 'duration',
      flag: '--request-timeout',
      env: 'TCP_CLIENT_REQUEST_TIMEOUT',
      default: TCP_CLIENT_DEFAULTS.requestTimeoutMs,
      description:
        'Fail a request with no reply after this long (0 = never); performance: a load connection ' +
        'that gets no reply for this long fails the run',
    },
    connections: {
      type: 'int',
      flag: '--connections',
      short: '-c',
      env: 'TCP_CLIENT_CONNECTIONS',
      default: LOAD_DEFAULTS.connections,
      min: 1,
      max: 10_000,
      description: 'performance: number of connections',
    },
    window: {
      type: 'int',
      flag: '--window',
      short: '-w',
      env: 'TCP_CLIENT_WINDOW',
      default: LOAD_DEFAULTS.window,
      min: 1,
      max: 100_000,
      description: 'performance: requests in flight per connection (pipelined)',
    },
    durationMs: {
      type: 'duration',
      flag: '--duration',
      short: '-d',
      env: 'TCP_CLIENT_DURATION',
      default: LOAD_DEFAULTS.durationMs,
      min: 1,
      description: 'performance: measured time',
    },
    warmupMs: {
      type: 'duration',
      flag: '--warmup',
      env: 'TCP_CLIENT_WARMUP',
      default: LOAD_DEFAULTS.warmupMs,
      description: 'performance: unmeasured warm-up before it',
    },
    messageSize: {
      type: 'bytes',
      flag: '--size',
      short: '-s',
      env: 'TCP_CLIENT_SIZE',
      default: LOAD_DEFAULTS.messageSize,
      max: 64 * 1024 * 1024,
      description: 'performance: echo content length (ASCII characters, so bytes)',
    },
    type: {
      type: 'enum',
      flag: '--type',
      env: 'TCP_CLIENT_TYPE',
      choices: ['echo', 'ping'],
      default: LOAD_DEFAULTS.type,
      description: 'performance: request type',
    },
    json: {
      type: 'boolean',
      flag: '--json',
      env: 'TCP_CLIENT_JSON',
      default: false,
      description: 'performance: print the result as one JSON object (progress goes to stderr)',
    },
  },
  examples: [
    'tcp-client',
    'tcp-client interactive --host 127.0.0.1',
    'tcp-client performance -c 4 -w 64 -d 10s -s 16',
    'tcp-client performance -s 8KiB --json',
  ],
});
