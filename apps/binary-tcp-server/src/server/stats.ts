/** Server-wide counters, updated in O(1) per event and read only when someone asks for stats. */
export class ServerStatistics {
  /** Frames received from all clients (every decoded frame, including ones answered with an error). */
  totalMessages = 0;
  /** Connections accepted since start (refused ones are not counted). */
  totalConnections = 0;
  /** Broadcast frames delivered to recipients. */
  broadcastsDelivered = 0;
  /** Clients disconnected because their output queue passed the cap. */
  slowClientsDropped = 0;
  /** Clients disconnected by the heartbeat. */
  deadClientsDropped = 0;

  /** Wall-clock ms the server started (set again when it starts listening). */
  startedAtMs: number;

  constructor(startedAtMs: number) {
    this.startedAtMs = startedAtMs;
  }
}
