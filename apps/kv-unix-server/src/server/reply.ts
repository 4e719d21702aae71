import type { KvErrorResponse, KvSuccessResponse, RequestId } from '../protocol/messages.js';
import { JsonText } from './json-text.js';

/** A reply before it is serialised: the wire object, in the key order the README specifies. */
export type Reply = KvSuccessResponse | KvErrorResponse;

/** The success reply object; `request_id` only when the request carried one. */
export function successReply(requestId: RequestId | undefined, timestamp: string, data: unknown): Reply {
  // Two literals rather than a conditional spread: the key order is the wire's, and each literal
  // keeps one object shape for JSON.stringify.
  return requestId === undefined
    ? { type: 'response', success: true, timestamp, data }
    : { type: 'response', success: true, request_id: requestId, timestamp, data };
}

/** The error reply object; `request_id` only when the request carried one. */
export function errorReply(
  requestId: RequestId | undefined,
  timestamp: string,
  code: string,
  message: string,
): Reply {
  const error = { code, message };
  return requestId === undefined
    ? { type: 'response', success: false, timestamp, error }
    : { type: 'response', success: false, request_id: requestId, timestamp, error };
}

/**
 * The one encoder of every reply line (with its trailing newline): JSON.stringify of the reply object.
 * `JsonText` members of a success reply's `data` (the stored values a read returns) are left out by
 * JSON.stringify and written after `data`'s other members, in their order; `data` is the reply's last
 * key, so the text ends with the closing braces of `data` and of the reply. A `JsonText` anywhere else
 * is not spliced (it would serialise as nothing), so handlers put stored values at the top of `data`.
 * Throws what JSON.stringify throws (a BigInt, a cycle): a handler bug, answered as INTERNAL_ERROR.
 */
export function encodeReply(reply: Reply): string {
  const json = JSON.stringify(reply);
  if (!reply.success) return `${json}\n`;
  const data = reply.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return `${json}\n`;
  let spliced = '';
  for (const name in data) {
    const member = (data as Record<string, unknown>)[name];
    if (member instanceof JsonText) spliced += `,${JSON.stringify(name)}:${member.text}`;
  }
  if (spliced === '') return `${json}\n`;
  // Cut the two closing braces; with no other member `data` was `{}` and takes no leading comma.
  const head = json.slice(0, -2);
  return head.endsWith('{') ? `${head}${spliced.slice(1)}}}\n` : `${head}${spliced}}}\n`;
}
