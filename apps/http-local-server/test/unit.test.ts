import { describe, expect, it } from 'vitest';
import {
  answerForClientError,
  HTTP_LOCAL_SERVER_DEFAULTS,
  listenTargetOf,
  METHOD_NOT_ALLOWED_RESPONSE,
  omitsBody,
  parserOptions,
  parseSocketMode,
  responseFor,
  STATUS_RESPONSE,
  serverCli,
  serverOptionsOf,
} from '../src/index.js';
import { createHttpLocalServer } from '../src/server/server.js';

function headerMap(headers: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < headers.length; i += 2) map.set(headers[i]!, headers[i + 1]!);
  return map;
}

describe('responses and handlers', () => {
  it('answers GET and HEAD with the spec response', () => {
    expect(responseFor('GET')).toBe(STATUS_RESPONSE);
    expect(responseFor('HEAD')).toBe(STATUS_RESPONSE);
    expect(STATUS_RESPONSE.status).toBe(200);
    expect(STATUS_RESPONSE.bodyText).toBe('running');
    expect(STATUS_RESPONSE.body.toString()).toBe('running');
    expect([...headerMap(STATUS_RESPONSE.headers)]).toEqual([
      ['Content-Type', 'text/plain'],
      ['Content-Length', '7'],
      ['Connection', 'close'],
    ]);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'get', '', undefined])(
    'answers %s with 405',
    (method) => {
      const res = responseFor(method);
      expect(res).toBe(METHOD_NOT_ALLOWED_RESPONSE);
      expect(res.status).toBe(405);
      expect(res.bodyText).toBe('Method not allowed');
      const headers = headerMap(res.headers);
      expect(headers.get('Allow')).toBe('GET, HEAD');
      expect(headers.get('Content-Length')).toBe(String(Buffer.byteLength('Method not allowed')));
      expect(headers.get('Connection')).toBe('close');
    },
  );

  it('omits the body only for HEAD', () => {
    expect(omitsBody('HEAD')).toBe(true);
    expect(omitsBody('GET')).toBe(false);
    expect(omitsBody('POST')).toBe(false);
  });

  it('keeps prepared responses immutable', () => {
    expect(Object.isFrozen(STATUS_RESPONSE)).toBe(true);
    expect(Object.isFrozen(STATUS_RESPONSE.headers)).toBe(true);
  });
});

describe('codec', () => {
  it('maps parser errors to 431, 408 and 400, and transport errors to silence', () => {
    expect(answerForClientError('HPE_HEADER_OVERFLOW').status).toBe(431);
    expect(answerForClientError('ERR_HTTP_REQUEST_TIMEOUT').status).toBe(408);
    expect(answerForClientError('HPE_INVALID_METHOD').status).toBe(400);
    expect(answerForClientError('HPE_INVALID_HEADER_TOKEN').status).toBe(400);
    expect(answerForClientError('ECONNRESET')).toEqual({ status: 0, bytes: Buffer.alloc(0) });
    expect(answerForClientError(undefined).status).toBe(0);
    const text = answerForClientError('HPE_HEADER_OVERFLOW').bytes.toString('latin1');
    expect(text.startsWith('HTTP/1.1 431 Request Header Fields Too Large\r\n')).toBe(true);
    const [head, body] = text.split('\r\n\r\n');
    expect(head).toContain('Connection: close');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body ?? '')}`);
  });

  it('passes the limits to the Node parser', () => {
    expect(
      parserOptions({
        headersTimeoutMs: 1,
        requestTimeoutMs: 2,
        maxHeaderBytes: 3,
        timeoutCheckIntervalMs: 4,
      }),
    ).toMatchObject({
      headersTimeout: 1,
      requestTimeout: 2,
      maxHeaderSize: 3,
      connectionsCheckingInterval: 4,
    });
  });
});

describe('config', () => {
  const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = serverCli.parseArgs(argv, env);
    if (result.help) throw new Error('unexpected help');
    return result.values;
  };

  it('defaults to the spec: tcp on localhost:8080, /tmp/local_server.sock, RELIABILITY limits', () => {
    const values = parse([]);
    expect(values.socket).toBe('tcp');
    expect(listenTargetOf(values)).toEqual({ host: 'localhost', port: 8080 });
    expect(listenTargetOf(parse(['--socket', 'unix']))).toEqual({
      path: '/tmp/local_server.sock',
      mode: 0o660,
    });
    expect(serverOptionsOf(values)).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      timeoutCheckIntervalMs: HTTP_LOCAL_SERVER_DEFAULTS.timeoutCheckIntervalMs,
      maxHeaderBytes: 16_384,
      maxConnections: 10_000,
      closeTimeoutMs: 10_000,
      socketMode: 0o660,
    });
  });

  it('reads every option from the environment, flags winning', () => {
    const env = {
      HTTP_SOCKET: 'unix',
      HTTP_SOCKET_PATH: '/tmp/x.sock',
      HTTP_SOCKET_MODE: '0600',
      HTTP_HEADERS_TIMEOUT: '2s',
      HTTP_REQUEST_TIMEOUT: '3s',
      HTTP_TIMEOUT_CHECK_INTERVAL: '100ms',
      HTTP_MAX_HEADER_SIZE: '8KiB',
      HTTP_MAX_CONNECTIONS: '5',
      HTTP_SHUTDOWN_GRACE: '1s',
    };
    const values = parse([], env);
    expect(listenTargetOf(values)).toEqual({ path: '/tmp/x.sock', mode: 0o600 });
    expect(serverOptionsOf(values)).toEqual({
      headersTimeoutMs: 2000,
      requestTimeoutMs: 3000,
      timeoutCheckIntervalMs: 100,
      maxHeaderBytes: 8192,
      maxConnections: 5,
      closeTimeoutMs: 1000,
      socketMode: 0o600,
    });
    const tcp = parse(['--socket', 'tcp', '--host', '0.0.0.0', '--port', '9000'], { ...env, HTTP_PORT: '1' });
    expect(listenTargetOf(tcp)).toEqual({ host: '0.0.0.0', port: 9000 });
  });

  it('rejects bad values with one line naming the option', () => {
    expect(() => parse(['--socket', 'udp'])).toThrow(/--socket/);
    expect(() => parse([], { HTTP_SOCKET: 'udp' })).toThrow(/HTTP_SOCKET/);
    expect(() => parse(['--port', '70000'])).toThrow(/--port/);
    expect(() => parseSocketMode('999')).toThrow(/--socket-mode/);
    expect(() => parseSocketMode('rw')).toThrow(/--socket-mode/);
    expect(parseSocketMode('600')).toBe(0o600);
    expect(() => serverOptionsOf(parse(['--headers-timeout', '5s', '--request-timeout', '1s']))).toThrow(
      /--headers-timeout/,
    );
  });

  it('lists every option with its env var in --help', () => {
    const help = serverCli.help();
    for (const env of [
      'HTTP_SOCKET',
      'HTTP_HOST',
      'HTTP_PORT',
      'HTTP_SOCKET_PATH',
      'HTTP_SOCKET_MODE',
      'HTTP_HEADERS_TIMEOUT',
      'HTTP_REQUEST_TIMEOUT',
      'HTTP_TIMEOUT_CHECK_INTERVAL',
      'HTTP_MAX_HEADER_SIZE',
      'HTTP_MAX_CONNECTIONS',
      'HTTP_SHUTDOWN_GRACE',
      'LOG_LEVEL',
      'HTTP_LOG_FILE',
    ]) {
      expect(help).toContain(env);
    }
  });
});

describe('server options', () => {
  it('validates at construction, naming the option', () => {
    expect(() => createHttpLocalServer({ maxConnections: 0 })).toThrow(/maxConnections/);
    expect(() => createHttpLocalServer({ headersTimeoutMs: 1.5 })).toThrow(/headersTimeoutMs/);
    expect(() => createHttpLocalServer({ headersTimeoutMs: 2000, requestTimeoutMs: 1000 })).toThrow(
      /headersTimeoutMs/,
    );
  });

  it('merges defaults once', () => {
    const server = createHttpLocalServer({ maxConnections: 3 });
    expect(server.options).toEqual({ ...HTTP_LOCAL_SERVER_DEFAULTS, maxConnections: 3 });
  });

  it('close() before listen() resolves and is idempotent', async () => {
    const server = createHttpLocalServer();
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
    await expect(server.listen({ port: 0 })).rejects.toMatchObject({ code: 'SERVER_CLOSED' });
  });
});
