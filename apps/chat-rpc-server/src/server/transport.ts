/**
 * What a {@link ChatConnection} needs from the thing that carries its bytes: a TCP `Socket` has all of
 * it as is; a WebSocket gets an adapter (src/server/web/ws-transport.ts). Keeping the connection on
 * this interface is what lets both transports share one set of rules (ordering, rate limits, output
 * cap, backpressure, graceful end) instead of two copies.
 */
export interface ChatTransport {
  /** The peer's port, when it has one (duplicate names get it as a suffix). */
  readonly remotePort?: number | undefined;
  /** Bytes written but not yet handed to the kernel (the output cap counts these). */
  readonly writableLength: number;
  /** The last write passed the high-water mark: wait for `onDrain` before writing more. */
  readonly writableNeedDrain: boolean;
  readonly destroyed: boolean;
  readonly writable: boolean;
  /** Sends one encoded message (compact JSON + `\n`). */
  write(message: Buffer): unknown;
  /** Stops delivering input until `resume()`. */
  pause(): unknown;
  resume(): unknown;
  /** Ends the connection after what was written. */
  end(): unknown;
  /** Drops the connection now. */
  destroy(): unknown;
}
