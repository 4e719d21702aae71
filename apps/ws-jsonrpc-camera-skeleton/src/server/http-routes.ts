import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathnameOf } from './upgrade-gate.js';

/** What the plain-HTTP routes report. */
export interface HttpRouteState {
  path: string;
  closing: boolean;
  connections: number;
  startedAt: number;
}

/**
 * Answers plain HTTP requests (no upgrade): `GET /healthz` -> 200 JSON status (503 while shutting
 * down), the WebSocket path without an upgrade -> 426, anything else -> 404.
 */
export function handleHttpRequest(req: IncomingMessage, res: ServerResponse, state: HttpRouteState): void {
  const pathname = pathnameOf(req.url);
  if (pathname === '/healthz') {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { error: 'Method Not Allowed' }, { Allow: 'GET, HEAD' });
      return;
    }
    const body = {
      status: state.closing ? 'shutting_down' : 'ok',
      connections: state.connections,
      uptimeSeconds: Math.round((Date.now() - state.startedAt) / 1000),
    };
    send(res, state.closing ? 503 : 200, body);
  } else if (pathname === state.path) {
    send(res, 426, { error: 'Upgrade Required' }, { Upgrade: 'websocket' });
  } else {
    send(res, 404, { error: 'Not Found' });
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}
