/**
 * Serialisers for the fixed reply shapes. The hot path builds JSON by concatenation: the keys are
 * constants, timestamps and codes never need escaping, and only untrusted values go through
 * `JSON.stringify`. Output is byte-for-byte what `JSON.stringify` of the same object would give.
 */
import { ECHOED_BY } from '../protocol/messages.js';

const ECHOED_BY_JSON = JSON.stringify(ECHOED_BY);

/**
 * `JSON.stringify` for a value decoded from JSON (never undefined, never a cycle). `plain` says the
 * request payload held no backslash: then no string in it can contain a quote, a backslash, a control
 * character or a lone surrogate (raw ones are invalid JSON or invalid UTF-8), so quoting a string is
 * exactly what `JSON.stringify` would produce, at a fraction of its cost for long strings.
 */
function json(value: unknown, plain: boolean): string {
  if (plain && typeof value === 'string') return `"${value}"`;
  return JSON.stringify(value) ?? 'null';
}

/** `{"type":"pong",...}`; `clientIdJson` is the connection's id, already JSON-quoted. */
export function pongJson(pingTimestamp: unknown, now: string, clientIdJson: string): string {
  const ping = typeof pingTimestamp === 'string' ? JSON.stringify(pingTimestamp) : 'null';
  return `{"type":"pong","ping_timestamp":${ping},"pong_timestamp":"${now}","client_id":${clientIdJson}}`;
}

/** An echo_response up to its content; the fast path splices the request's content bytes after it. */
export const ECHO_RESPONSE_HEAD = '{"type":"echo_response","content":';

/** An echo_response after its content (ASCII: the timestamp and ECHOED_BY are). */
export function echoResponseTail(now: string): string {
  return `,"timestamp":"${now}","echoed_by":${ECHOED_BY_JSON}}`;
}

/** `{"type":"echo_response",...}` */
export function echoResponseJson(content: unknown, now: string, plain = false): string {
  return `${ECHO_RESPONSE_HEAD}${json(content, plain)}${echoResponseTail(now)}`;
}

/** `{"type":"broadcast_sent",...}` */
export function broadcastSentJson(recipients: number, now: string): string {
  return `{"type":"broadcast_sent","recipients":${recipients},"timestamp":"${now}"}`;
}

/** `{"type":"broadcast",...}`: what every other client receives. */
export function broadcastJson(content: unknown, fromJson: string, now: string, plain = false): string {
  return `{"type":"broadcast","content":${json(content, plain)},"from":${fromJson},"timestamp":"${now}"}`;
}

/** The fields of a server_stats reply. */
export interface StatsFields {
  connectedClients: number;
  uptimeSeconds: number;
  totalMessages: number;
  serverStartTime: string;
  currentTime: string;
}

/** `{"type":"server_stats",...}` */
export function serverStatsJson(s: StatsFields): string {
  return (
    `{"type":"server_stats","connected_clients":${s.connectedClients},"uptime_seconds":${s.uptimeSeconds},` +
    `"total_messages":${s.totalMessages},"server_start_time":"${s.serverStartTime}","current_time":"${s.currentTime}"}`
  );
}

/** `{"type":"message_received",...}`: the acknowledgement of a plain-text `message`. */
export function messageReceivedJson(content: unknown, fromJson: string, now: string, plain = false): string {
  return `{"type":"message_received","content":${json(content, plain)},"from":${fromJson},"timestamp":"${now}"}`;
}

/** `{"type":"heartbeat",...}`: sent by the server to an idle client. */
export function heartbeatJson(now: string): string {
  return `{"type":"heartbeat","timestamp":"${now}"}`;
}

/** `{"type":"error","code":...,"message":...,"timestamp":...}` */
export function errorJson(code: string, message: string, now: string): string {
  return `{"type":"error","code":${JSON.stringify(code)},"message":${JSON.stringify(message)},"timestamp":"${now}"}`;
}
