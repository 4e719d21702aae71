/**
 * The business layer: one decoded frame in, one reply (JSON text) out. Knows nothing about sockets;
 * the connection supplies its identity and the server's broadcast fan-out through `HandlerPeer`.
 */
import { TcpErrorCode } from '@sockworks/error-codes';
import type { IsoClock } from '@sockworks/service';
import { isFrame, RequestType } from '../protocol/messages.js';
import {
  broadcastJson,
  broadcastSentJson,
  echoResponseJson,
  errorJson,
  messageReceivedJson,
  pongJson,
  serverStatsJson,
} from './replies.js';
import type { ServerStatistics } from './stats.js';

/** What a handler may know about and do for the connection that sent the frame. */
export interface HandlerPeer {
  /** `"host:port"` of the client as the server sees it. */
  readonly clientId: string;
}

/** Server-wide state the handlers read and the one side effect they may cause. */
export interface HandlerServer {
  readonly clock: IsoClock;
  readonly stats: ServerStatistics;
  /** Number of connected clients right now. */
  connectedClients(): number;
  /** Sends `frameJson` to every client except `sender`; returns how many it was sent to. */
  broadcast(sender: HandlerPeer, frameJson: string): number;
}

/**
 * The business layer's signature: answers one decoded frame with the reply's JSON text, or `null` for
 * no reply. Every frame reaches it. A throw is a bug: the connection answers INTERNAL_ERROR, logs it,
 * and carries on.
 */
export type FrameHandler = (value: unknown, peer: HandlerPeer, server: HandlerServer) => string | null;

/** Longest type name quoted back in an UNKNOWN_MESSAGE_TYPE message. */
const MAX_TYPE_IN_MESSAGE = 64;

/**
 * Answers one decoded frame. Returns the reply's JSON text, or `null` when the frame gets no reply
 * (a heartbeat_ack). Never throws for any decoded JSON value.
 */
export function handleFrame(value: unknown, peer: HandlerPeer, server: HandlerServer): string | null {
  if (!isFrame(value)) {
    return errorJson(
      TcpErrorCode.INVALID_MESSAGE,
      'A message must be a JSON object with a string "type"',
      server.clock.iso(),
    );
  }
  switch (value.type) {
    case RequestType.ECHO: {
      const content = value.content;
      if (content === undefined) return missingContent('echo', server);
      return echoResponseJson(content, server.clock.iso());
    }
    case RequestType.PING:
      return pongJson(value.timestamp, server.clock.iso(), peer.clientId);
    case RequestType.BROADCAST: {
      const content = value.content;
      if (content === undefined) return missingContent('broadcast', server);
      const now = server.clock.iso();
      const recipients = server.broadcast(peer, broadcastJson(content, peer.clientId, now));
      return broadcastSentJson(recipients, now);
    }
    case RequestType.GET_STATS: {
      const clock = server.clock;
      const nowMs = clock.now();
      return serverStatsJson({
        connectedClients: server.connectedClients(),
        uptimeSeconds: Math.max(0, Math.floor((nowMs - server.stats.startedAtMs) / 1000)),
        totalMessages: server.stats.totalMessages,
        serverStartTime: clock.format(server.stats.startedAtMs),
        currentTime: clock.format(nowMs),
      });
    }
    case RequestType.MESSAGE: {
      const content = value.content;
      if (content === undefined) return missingContent('message', server);
      return messageReceivedJson(content, peer.clientId, server.clock.iso());
    }
    case RequestType.HEARTBEAT_ACK:
      return null;
    default:
      return errorJson(
        TcpErrorCode.UNKNOWN_MESSAGE_TYPE,
        `Unknown message type: ${value.type.slice(0, MAX_TYPE_IN_MESSAGE)}`,
        server.clock.iso(),
      );
  }
}

function missingContent(type: string, server: HandlerServer): string {
  return errorJson(
    TcpErrorCode.INVALID_MESSAGE,
    `A ${type} message needs a "content" field`,
    server.clock.iso(),
  );
}
