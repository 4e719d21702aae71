import { defineCli } from '@sockworks/service/cli';

/** The test client's flags and environment variables. */
export const testClientCli = defineCli({
  name: 'ws-test-client',
  description:
    "Runs the spec's client tests against a ws-jsonrpc-camera-skeleton server: ping (with latency), invalid method, malformed JSON. Exit 0 only if all pass.",
  options: {
    url: {
      type: 'string',
      flag: '--url',
      env: 'WS_URL',
      default: 'ws://localhost:8002/ws',
      description: 'Server URL',
    },
    simple: { type: 'boolean', flag: '--simple', description: 'Run the ping test only' },
    thresholdMs: {
      type: 'int',
      flag: '--threshold-ms',
      env: 'WS_TEST_THRESHOLD_MS',
      min: 1,
      default: 50,
      description: 'Ping latency above this fails the latency check',
    },
    timeoutMs: {
      type: 'duration',
      flag: '--timeout',
      env: 'WS_TEST_TIMEOUT',
      min: 1,
      default: 5000,
      description: 'Timeout of each request',
    },
    authToken: {
      type: 'string',
      flag: '--auth-token',
      env: 'WS_AUTH_TOKEN',
      description: 'Bearer token, if the server needs one',
    },
  },
  examples: ['ws-test-client --simple', 'ws-test-client --url ws://camera.local:8002/ws'],
});
