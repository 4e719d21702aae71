import { defineCli } from '@sockworks/service/cli';
import { REQUEST_DEFAULTS } from '../client/client.js';
import { addressOptions } from './address-options.js';

/** Exit code when the server answered with a non-2xx status. */
export const EXIT_HTTP_ERROR = 1;
/** Exit code when no response arrived (cannot connect, timeout, oversize body). */
export const EXIT_NO_RESPONSE = 3;

/** Flags and environment variables of `http-local-request`. */
export const requestCli = defineCli({
  name: 'http-local-request',
  description:
    'Sends one HTTP request to http-local-server over TCP or a Unix socket and prints the raw status line, ' +
    `headers and body. Exit code 0 on a 2xx status, ${EXIT_HTTP_ERROR} on any other status, 2 on bad usage, ` +
    `${EXIT_NO_RESPONSE} when no response arrived (cannot connect, timeout).`,
  options: {
    ...addressOptions({ host: 'TCP host', port: 'TCP port', path: 'Unix socket path' }),
    method: {
      type: 'string',
      flag: '--method',
      short: '-X',
      env: 'HTTP_METHOD',
      default: REQUEST_DEFAULTS.method,
      description: 'HTTP method (GET, HEAD, POST, ...)',
    },
    target: {
      type: 'string',
      flag: '--target',
      env: 'HTTP_TARGET',
      default: REQUEST_DEFAULTS.target,
      description: 'request target: path and query',
    },
    timeout: {
      type: 'duration',
      flag: '--timeout',
      // Not HTTP_REQUEST_TIMEOUT: that is the server's limit, and both often share one environment.
      env: 'HTTP_CLIENT_TIMEOUT',
      default: REQUEST_DEFAULTS.timeoutMs,
      min: 1,
      description: 'deadline for connecting and reading the whole response',
    },
  },
  examples: [
    'http-local-request                     # GET http://localhost:8080/',
    'http-local-request --socket unix       # GET over /tmp/local_server.sock',
    'http-local-request -X POST --port 9000',
  ],
});
