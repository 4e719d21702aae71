import { type ServerOptions, WebSocketServer } from 'ws';

/** The limits the WebSocket framing layer enforces. */
export interface WsCodecLimits {
  /** Largest message (after reassembly of fragments); over it ws closes with 1009. */
  maxPayload: number;
  /** How long a started closing handshake may take before ws destroys the socket. */
  closeTimeoutMs: number;
}

/**
 * ws's Receiver and Sender are this app's codec: they frame, unmask, validate UTF-8 (invalid text ->
 * close 1007) and check `maxPayload` as soon as a frame header announces the length (-> close 1009).
 * This builds the `noServer` WebSocketServer that hands out sockets configured that way; the app owns
 * the http.Server, the upgrade decision and the client tracking.
 */
export function createWsCodec(limits: WsCodecLimits): WebSocketServer {
  // closeTimeout is in ws >= 8.19 but not yet in @types/ws 8.18.
  const options: ServerOptions & { closeTimeout: number } = {
    noServer: true,
    maxPayload: limits.maxPayload,
    // Compression costs CPU and memory per socket (and has had zip-bomb issues); JSON-RPC pings gain nothing.
    perMessageDeflate: false,
    // The server tracks its own connections with a limit; ws's extra Set would be a second source of truth.
    clientTracking: false,
    skipUTF8Validation: false,
    closeTimeout: limits.closeTimeoutMs,
  };
  return new WebSocketServer(options);
}
