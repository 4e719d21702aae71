/**
 * The reply shapes, built as the protocol's typed objects and serialised by one general encoder,
 * `JSON.stringify`: every reply type takes the same path, whatever its content.
 */
import {
  type BroadcastFrame,
  type BroadcastSent,
  ECHOED_BY,
  type EchoResponse,
  type ErrorFrame,
  type HeartbeatFrame,
  type MessageReceived,
  type PongReply,
  ReplyType,
  type ServerStats,
} from '../protocol/messages.js';

/** The one encoder of every frame the server sends. */
function replyJson(frame: object): string {
  return JSON.stringify(frame);
}

/** `{"type":"pong",...}`; `ping_timestamp` is the ping's timestamp when it is a string, else null. */
export function pongJson(pingTimestamp: unknown, now: string, clientId: string): string {
  const reply: PongReply = {
    type: ReplyType.PONG,
    ping_timestamp: typeof pingTimestamp === 'string' ? pingTimestamp : null,
    pong_timestamp: now,
    client_id: clientId,
  };
  return replyJson(reply);
}

/** `{"type":"echo_response",...}` */
export function echoResponseJson(content: unknown, now: string): string {
  const reply: EchoResponse = {
    type: ReplyType.ECHO_RESPONSE,
    content,
    timestamp: now,
    echoed_by: ECHOED_BY,
  };
  return replyJson(reply);
}

/** `{"type":"broadcast_sent",...}` */
export function broadcastSentJson(recipients: number, now: string): string {
  const reply: BroadcastSent = { type: ReplyType.BROADCAST_SENT, recipients, timestamp: now };
  return replyJson(reply);
}

/** `{"type":"broadcast",...}`: what every other client receives. */
export function broadcastJson(content: unknown, from: string, now: string): string {
  const frame: BroadcastFrame = { type: ReplyType.BROADCAST, content, from, timestamp: now };
  return replyJson(frame);
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
  const reply: ServerStats = {
    type: ReplyType.SERVER_STATS,
    connected_clients: s.connectedClients,
    uptime_seconds: s.uptimeSeconds,
    total_messages: s.totalMessages,
    server_start_time: s.serverStartTime,
    current_time: s.currentTime,
  };
  return replyJson(reply);
}

/** `{"type":"message_received",...}`: the acknowledgement of a plain-text `message`. */
export function messageReceivedJson(content: unknown, from: string, now: string): string {
  const reply: MessageReceived = { type: ReplyType.MESSAGE_RECEIVED, content, from, timestamp: now };
  return replyJson(reply);
}

/** `{"type":"heartbeat",...}`: sent by the server to an idle client. */
export function heartbeatJson(now: string): string {
  const frame: HeartbeatFrame = { type: ReplyType.HEARTBEAT, timestamp: now };
  return replyJson(frame);
}

/** `{"type":"error","code":...,"message":...,"timestamp":...}` */
export function errorJson(code: string, message: string, now: string): string {
  const frame: ErrorFrame = { type: ReplyType.ERROR, code, message, timestamp: now };
  return replyJson(frame);
}

const TYPE_PREFIX = '{"type":"';
const ERROR_PREFIX = '{"type":"error","code":"';

/**
 * The `type` of a reply built by this module (the first key replyJson writes), for the sent-messages
 * metric: read off our own encoding, no parse.
 */
export function replyTypeOf(json: string): string {
  return json.startsWith(TYPE_PREFIX)
    ? json.slice(TYPE_PREFIX.length, json.indexOf('"', TYPE_PREFIX.length))
    : '';
}

/** `ok`, or the code of an {@link errorJson} reply (its first two keys are `type` and `code`). */
export function replyCodeOf(json: string): string {
  return json.startsWith(ERROR_PREFIX)
    ? json.slice(ERROR_PREFIX.length, json.indexOf('"', ERROR_PREFIX.length))
    : 'ok';
}
