import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { type ClientErrorCode, ProtocolError } from '@sockworks/error-codes';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SOCKET_PATH, type SocketKind } from '../protocol/address.js';

export { SOCKET_KINDS, type SocketKind } from '../protocol/address.js';

/** Defaults of {@link RequestOptions}: the spec's addresses. */
export const REQUEST_DEFAULTS = {
  /** @default 'tcp' */
  socket: 'tcp' as SocketKind,
  /** @default 'localhost' */
  host: DEFAULT_HOST,
  /** @default 8080 */
  port: DEFAULT_PORT,
  /** @default '/tmp/local_server.sock' */
  path: DEFAULT_SOCKET_PATH,
  /** @default 'GET' */
  method: 'GET',
  /** @default '/' request target (path and query) */
  target: '/',
  /** @default 5000 ms for connect plus the whole response */
  timeoutMs: 5_000,
  /** @default 1048576 bytes of response body kept; more is an error */
  maxBodyBytes: 1024 * 1024,
} as const;

/** Options of {@link request}. */
export interface RequestOptions {
  /** `tcp` connects to host:port, `unix` to the socket file at `path`. */
  socket?: SocketKind;
  host?: string;
  port?: number;
  /** Unix socket path (used when `socket` is `unix`). */
  path?: string;
  /** HTTP method, sent as given. */
  method?: string;
  /** Request target, e.g. `/health?x=1`. */
  target?: string;
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** A complete response: status, headers (lower-cased names, and raw as received) and body text. */
export interface HttpLocalResponse {
  status: number;
  statusMessage: string;
  httpVersion: string;
  headers: IncomingHttpHeaders;
  /** `[name, value, name, value, ...]` with the server's spelling and order. */
  rawHeaders: string[];
  body: string;
}

/** Why a request failed: no connection, no complete answer in time, or a body over the limit. */
export type RequestErrorCode = ClientErrorCode;

/** A failed request: a `ProtocolError` with a stable `ClientErrorCode`; `cause` holds the socket error. */
export class RequestError extends ProtocolError<ClientErrorCode> {
  override readonly name = 'RequestError';

  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** `localhost:8080` or `unix:/tmp/local_server.sock`, for messages. */
export function describeTarget(options: RequestOptions = {}): string {
  const o = { ...REQUEST_DEFAULTS, ...options };
  return o.socket === 'unix' ? `unix:${o.path}` : `${o.host}:${o.port}`;
}

/**
 * Sends one request to the status server over TCP or a Unix socket and resolves with the whole
 * response. Rejects with a {@link RequestError} when it cannot connect, times out, or the body is
 * over `maxBodyBytes`. HTTP error statuses resolve normally: check `status`.
 */
export function request(options: RequestOptions = {}): Promise<HttpLocalResponse> {
  const o = { ...REQUEST_DEFAULTS, ...definedOnly(options) };
  const where = describeTarget(o);
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: RequestError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      reject(err);
    };
    const req = httpRequest({
      ...(o.socket === 'unix' ? { socketPath: o.path } : { host: o.host, port: o.port }),
      method: o.method,
      path: o.target,
      // One request per connection, like the server: no pooling, `Connection: close` sent.
      agent: false,
      headers: { ...options.headers },
      timeout: o.timeoutMs,
    });
    const deadline = setTimeout(
      () =>
        fail(
          new RequestError('REQUEST_TIMEOUT', `no complete response from ${where} within ${o.timeoutMs} ms`),
        ),
      o.timeoutMs,
    );
    req.on('timeout', () =>
      fail(
        new RequestError('REQUEST_TIMEOUT', `no complete response from ${where} within ${o.timeoutMs} ms`),
      ),
    );
    let connected = false;
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const reason = err.code ?? err.message;
      fail(
        connected
          ? new RequestError('CONNECTION_CLOSED', `connection to ${where} failed: ${reason}`, { cause: err })
          : new RequestError('CONNECT_FAILED', `cannot connect to ${where}: ${reason}`, { cause: err }),
      );
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > o.maxBodyBytes) {
          fail(
            new RequestError(
              'RESPONSE_TOO_LARGE',
              `response body from ${where} exceeds ${o.maxBodyBytes} bytes`,
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      const closedEarly = (): void => {
        fail(
          new RequestError(
            'CONNECTION_CLOSED',
            `${where} closed the connection before the response was complete`,
          ),
        );
      };
      res.on('error', closedEarly);
      res.on('close', () => {
        if (!res.complete) closedEarly();
      });
      res.on('end', () => {
        clearTimeout(deadline);
        if (settled) return;
        settled = true;
        resolve({
          status: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? '',
          httpVersion: res.httpVersion,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.end();
  });
}

/** The response as the spec's client prints it: status line, headers, blank line, body. */
export function formatResponse(res: HttpLocalResponse): string {
  const lines = [`HTTP/${res.httpVersion} ${res.status} ${res.statusMessage}`];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
    lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  return `${lines.join('\n')}\n\n${res.body}`;
}

function definedOnly(options: RequestOptions): RequestOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value;
  return out as RequestOptions;
}
