import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChatErrorCode, KvErrorCode, ServiceErrorCode } from '@sockworks/error-codes';
import type { JsonObject } from '../../protocol/messages.js';
import { sendError, sendJson } from './http-reply.js';

/** What the API needs from the chat server: run a request as the user holding a session. */
export interface RestChat {
  requestAs(token: string, request: JsonObject): Promise<JsonObject | undefined>;
}

/** Limits of the API. */
export interface RestLimits {
  /** Largest request body; larger: 413. */
  maxBodyBytes: number;
}

/** HTTP status of each chat error code a REST call can get (others: 400). */
const STATUS_OF: Readonly<Record<string, number>> = {
  [ChatErrorCode.NOT_MEMBER]: 403,
  [ChatErrorCode.PROTOCOL_2_REQUIRED]: 403,
  [ChatErrorCode.NOT_JOINED]: 401,
  [ChatErrorCode.USER_NOT_FOUND]: 404,
  [ChatErrorCode.RATE_LIMITED]: 429,
  [ChatErrorCode.TOO_MANY_ROOMS]: 409,
};

/** A request the API refuses before it reaches the chat: status, code, message. */
class RestError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly headers: Record<string, string> = {},
  ) {}
}

/**
 * The REST API under /api: each call is one chat request run as the joined user whose session token
 * the `Authorization: Bearer` header carries, so that user's membership, validation and rate limit
 * apply exactly as on the socket. Replies are the socket replies; errors keep the socket's codes.
 */
export async function handleApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  chat: RestChat,
  limits: RestLimits,
): Promise<void> {
  try {
    // Authentication first: nobody's body is read before the caller is known to hold a token.
    const token = bearerToken(req.headers.authorization);
    const { request, created } = await route(req, url, limits);
    const reply = await chat.requestAs(token, request);
    if (reply === undefined)
      throw new RestError(401, ServiceErrorCode.AUTH_INVALID, 'No joined user holds this session', {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
    answer(res, reply, created);
  } catch (err) {
    if (!(err instanceof RestError)) throw err;
    // A refused body is not read on: close the connection rather than drain it.
    const headers = err.status === 413 ? { ...err.headers, Connection: 'close' } : err.headers;
    sendError(res, err.status, err.code, err.message, headers);
  }
}

/** The chat request a REST call stands for (the body is read and checked only for POST). */
async function route(
  req: IncomingMessage,
  url: URL,
  limits: RestLimits,
): Promise<{ request: JsonObject; created: boolean }> {
  const parts = url.pathname.split('/').slice(2); // "", "api", ...
  const method = req.method ?? 'GET';
  const only = (allowed: string) => {
    if (method !== allowed)
      throw new RestError(405, KvErrorCode.INVALID_REQUEST, `Method ${method} not allowed here`, {
        Allow: allowed,
      });
  };
  if (parts.length === 1 && parts[0] === 'users') {
    only('GET');
    return { request: { method: 'get_users', params: {} }, created: false };
  }
  if (parts.length === 1 && parts[0] === 'rooms') {
    only('GET');
    return { request: { method: 'list_rooms', params: {} }, created: false };
  }
  if (parts.length === 3 && parts[0] === 'rooms' && parts[2] === 'history') {
    only('GET');
    const params: JsonObject = { room: roomOf(parts[1] ?? '') };
    const limit = url.searchParams.get('limit');
    // A number when it is one; anything else goes on as text and gets the socket's -32602.
    if (limit !== null) params.limit = /^\d{1,6}$/.test(limit) ? Number(limit) : limit;
    const before = url.searchParams.get('before');
    if (before !== null) params.before = before;
    return { request: { method: 'get_history', params }, created: false };
  }
  if (parts.length === 3 && parts[0] === 'rooms' && parts[2] === 'messages') {
    only('POST');
    const room = roomOf(parts[1] ?? '');
    const body = await readJsonBody(req, limits.maxBodyBytes);
    return { request: { method: 'send_message', params: { room, message: body.message } }, created: true };
  }
  throw new RestError(
    404,
    KvErrorCode.INVALID_REQUEST,
    `No such API endpoint: ${url.pathname.slice(0, 100)}`,
  );
}

function roomOf(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new RestError(400, ChatErrorCode.INVALID_ROOM, 'Room name is not valid percent-encoding');
  }
}

/** The session token of `Authorization: Bearer <token>`; 401 without one. */
function bearerToken(header: string | undefined): string {
  const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match?.[1])
    throw new RestError(401, ServiceErrorCode.AUTH_REQUIRED, 'Authorization: Bearer <session> required', {
      'WWW-Authenticate': 'Bearer',
    });
  return match[1];
}

/** Reads a JSON object body of at most `max` bytes (415 for another type, 413 when larger, 400 when not JSON). */
async function readJsonBody(req: IncomingMessage, max: number): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json')
    throw new RestError(415, KvErrorCode.INVALID_REQUEST, 'Content-Type must be application/json');
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > max)
    throw new RestError(413, KvErrorCode.MESSAGE_TOO_LARGE, `Body larger than ${max} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new RestError(413, KvErrorCode.MESSAGE_TOO_LARGE, `Body larger than ${max} bytes`);
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RestError(400, KvErrorCode.INVALID_JSON, 'Body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RestError(400, KvErrorCode.INVALID_REQUEST, 'Body must be a JSON object');
  return value as Record<string, unknown>;
}

/** Sends a chat reply with the status it deserves. */
function answer(res: ServerResponse, reply: JsonObject, created: boolean): void {
  if (reply.status === 'success') {
    sendJson(res, created ? 201 : 200, reply);
    return;
  }
  const message = typeof reply.message === 'string' ? reply.message : String(reply.error ?? 'Error');
  if (typeof reply.code === 'string') {
    sendError(res, STATUS_OF[reply.code] ?? 400, reply.code, message);
    return;
  }
  // A protocol error ({"error": ..., "code": -326xx}): the request was wrong, or (-32603) we were.
  const code = typeof reply.code === 'number' ? reply.code : -32603;
  sendError(res, code === -32603 ? 500 : 400, code, message);
}
