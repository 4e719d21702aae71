/**
 * Wire shapes of the binary TCP protocol (spec: ../shared/specs/binary-tcp-server.md). Every frame is a
 * 4-byte big-endian length followed by a UTF-8 JSON object with a string `type`.
 */

/** The value of `echoed_by` in every echo_response, as in the spec. */
export const ECHOED_BY = 'TCP Server';

/** Request types the server answers. */
export const RequestType = {
  PING: 'ping',
  ECHO: 'echo',
  BROADCAST: 'broadcast',
  GET_STATS: 'get_stats',
  /** Plain text typed in the interactive client (not in the spec; defined by this project). */
  MESSAGE: 'message',
  /** The client's answer to a server heartbeat; consumed silently (no reply). */
  HEARTBEAT_ACK: 'heartbeat_ack',
} as const;
export type RequestType = (typeof RequestType)[keyof typeof RequestType];

/** Frames the server sends. */
export const ReplyType = {
  PONG: 'pong',
  ECHO_RESPONSE: 'echo_response',
  BROADCAST_SENT: 'broadcast_sent',
  BROADCAST: 'broadcast',
  SERVER_STATS: 'server_stats',
  MESSAGE_RECEIVED: 'message_received',
  HEARTBEAT: 'heartbeat',
  ERROR: 'error',
} as const;
export type ReplyType = (typeof ReplyType)[keyof typeof ReplyType];

/** Any decoded frame: an object with a string `type` and other fields. */
export interface Frame {
  type: string;
  [key: string]: unknown;
}

export interface PingRequest extends Frame {
  type: 'ping';
  timestamp?: string;
  client_info?: string;
}
export interface EchoRequest extends Frame {
  type: 'echo';
  content: unknown;
  timestamp?: string;
}
export interface BroadcastRequest extends Frame {
  type: 'broadcast';
  content: unknown;
  timestamp?: string;
}
export interface GetStatsRequest extends Frame {
  type: 'get_stats';
  timestamp?: string;
}
export interface MessageRequest extends Frame {
  type: 'message';
  content: unknown;
  timestamp?: string;
}

export interface PongReply {
  type: 'pong';
  ping_timestamp: string | null;
  pong_timestamp: string;
  client_id: string;
}
export interface EchoResponse {
  type: 'echo_response';
  content: unknown;
  timestamp: string;
  echoed_by: string;
}
export interface BroadcastSent {
  type: 'broadcast_sent';
  recipients: number;
  timestamp: string;
}
export interface BroadcastFrame {
  type: 'broadcast';
  content: unknown;
  from: string;
  timestamp: string;
}
export interface ServerStats {
  type: 'server_stats';
  connected_clients: number;
  uptime_seconds: number;
  total_messages: number;
  server_start_time: string;
  current_time: string;
}
export interface MessageReceived {
  type: 'message_received';
  content: unknown;
  from: string;
  timestamp: string;
}
export interface HeartbeatFrame {
  type: 'heartbeat';
  timestamp: string;
}
export interface ErrorFrame {
  type: 'error';
  code: string;
  message: string;
  timestamp: string;
}

/** True for a decoded value that is a frame: a non-array object whose `type` is a string. */
export function isFrame(value: unknown): value is Frame {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}
